"""The login's stages: a second factor opens nothing but its own page, an account awaiting
admission opens nothing at all, and a beheerder admits it."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.auth.service import AWAITING_ADMISSION
from app.config import Environment, Settings
from app.factors.models import FactorKind, SecondFactor
from app.security.sessions import SessionStage, UserSession
from app.users.models import User
from tests.auth.test_login import attempt
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user


def test_an_account_with_a_second_factor_gets_only_the_second_factor_page(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.add(SecondFactor(user_id=user.id, kind=FactorKind.TOTP, label="Telefoon"))
    session.commit()

    response = attempt(client, user.email, PASSWORD)

    assert response.headers["location"] == "/inloggen/tweede-factor?volgende=%2F"
    assert session.exec(select(UserSession.stage)).one() == SessionStage.SECOND_FACTOR
    assert client.get("/acties").headers["location"].startswith("/inloggen")


def test_a_required_second_factor_sends_an_account_without_one_to_set_it_up(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.mfa_required = True
    user = make_user(session)

    response = attempt(client, user.email, PASSWORD)

    assert response.headers["location"].startswith("/inloggen/tweede-factor/instellen")
    assert client.get("/").headers["location"].startswith("/inloggen")


def test_production_requires_a_second_factor_unless_told_otherwise() -> None:
    production = Settings(_env_file=None, environment=Environment.PRODUCTION)  # type: ignore[call-arg]
    demo = Settings(_env_file=None, environment=Environment.DEVELOPMENT)  # type: ignore[call-arg]
    opted_out = Settings(  # type: ignore[call-arg]
        _env_file=None, environment=Environment.PRODUCTION, mfa_required=False
    )

    assert production.second_factor_required
    assert not demo.second_factor_required
    assert not opted_out.second_factor_required


def test_a_login_without_second_factor_is_full_and_confirmed_and_knows_the_browser(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    client.headers["user-agent"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"
    log_in(client, user.email, PASSWORD)

    stored = session.exec(select(UserSession)).one()
    assert stored.stage == SessionStage.FULL
    assert stored.confirmed_at is not None
    assert stored.user_agent == "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"


def test_an_account_awaiting_admission_cannot_log_in_until_a_beheerder_admits_it(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    admin_client = client
    admin = make_user(session, is_admin=True)
    newcomer = make_user(session, name="Nina Nieuw", is_participant=False, awaiting_admission=True)

    with TestClient(app, follow_redirects=False) as newcomer_client:
        refused = attempt(newcomer_client, newcomer.email, PASSWORD)
        assert refused.status_code == 422
        assert AWAITING_ADMISSION in refused.text

    log_in(admin_client, admin.email, PASSWORD)
    assert "Wacht op toelating" in admin_client.get("/gebruikers").text
    form = admin_client.get(f"/gebruikers/{newcomer.id}")
    assert ">Toelaten</button>" in form.text
    admitted = admin_client.post(
        f"/gebruikers/{newcomer.id}",
        data={
            "name": newcomer.name,
            "email": newcomer.email,
            "organisation_id": str(newcomer.organisation_id),
            "is_participant": "on",
            "active": "on",
            "csrf_token": csrf_from(admin_client, f"/gebruikers/{newcomer.id}"),
        },
    )
    assert admitted.status_code == 303
    assert "toegelaten" in admin_client.get("/gebruikers").text

    with TestClient(app, follow_redirects=False) as newcomer_client:
        log_in(newcomer_client, newcomer.email, PASSWORD)
        assert "Welkom, Nina Nieuw" in newcomer_client.get("/").text
    assert not session.exec(select(User.awaiting_admission).where(User.id == newcomer.id)).one()
    change = session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "gebruiker.gewijzigd")
        .order_by(col(AuditEvent.id).desc())
    ).first()
    assert change is not None and "toegelaten" in json.loads(change.detail)["velden"]
