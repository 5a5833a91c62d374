"""Managing users: only beheerders, Dutch errors beside the field, nothing typed lost."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, func, select

from app.audit import AuditEvent
from app.auth.routes import PASSWORD_CHANGED
from app.db import MAX_ROW_ID
from app.security.sessions import UserSession
from app.users.models import User
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user
from tests.invitations.links import newest_link, outbox_to


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, is_admin=True, is_participant=False, name="Bea Beheer")


@pytest.fixture
def admin_client(client: TestClient, admin: User) -> TestClient:
    log_in(client, admin.email, PASSWORD)
    return client


def post_form(client: TestClient, path: str, data: dict[str, str]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, path)})


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def test_beheerder_creates_a_user_who_is_invited_by_mail(
    admin_client: TestClient, session: Session, app: FastAPI
) -> None:
    organisation = make_organisation(session, name="Leerplicht Dorpsveen")
    form = admin_client.get("/gebruikers/nieuw").text

    response = post_form(
        admin_client,
        "/gebruikers/nieuw",
        {
            "name": "Lotte Leerplicht",
            "email": "Lotte@Leerplicht.example",
            "organisation_id": str(organisation.id),
            "is_participant": "true",
        },
    )

    assert 'type="password"' not in form and "72 uur geldig" in form
    assert response.status_code == 303
    listing = admin_client.get("/gebruikers").text
    assert "Lotte Leerplicht" in listing and "lotte@leerplicht.example" in listing
    assert "De uitnodiging is verstuurd." in listing
    created = session.exec(select(User).where(User.email == "lotte@leerplicht.example")).one()
    assert created.password_hash is None
    with TestClient(app, follow_redirects=False) as newcomer:
        path = newest_link(session, "lotte@leerplicht.example")
        assert newcomer.get(path).status_code == 200
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("gebruiker.aangemaakt") == actions.count("uitnodiging.verstuurd") == 1


def test_invalid_user_comes_back_with_dutch_messages_and_typed_values(
    admin_client: TestClient, session: Session
) -> None:
    organisation = make_organisation(session)
    before = user_count(session)

    response = post_form(
        admin_client,
        "/gebruikers/nieuw",
        {
            "name": "Kees <b>Kort</b>",
            "email": "geen-adres",
            "organisation_id": str(organisation.id),
        },
    )

    assert response.status_code == 422
    page = response.text
    assert "Vul een geldig e-mailadres in" in page
    assert 'value="Kees &lt;b&gt;Kort&lt;/b&gt;"' in page
    assert 'value="geen-adres"' in page
    assert f'<option value="{organisation.id}" selected>' in page
    assert user_count(session) == before
    assert outbox_to(session, "geen-adres") == []


def test_duplicate_email_is_refused_beside_the_field(
    admin_client: TestClient, session: Session
) -> None:
    existing = make_user(session)

    response = post_form(
        admin_client,
        "/gebruikers/nieuw",
        {
            "name": "Dubbel",
            "email": existing.email.upper(),
            "organisation_id": str(existing.organisation_id),
        },
    )

    assert response.status_code == 422
    assert 'id="email-error">Er is al een account met dit e-mailadres.' in response.text


def test_deactivating_a_user_ends_their_sessions_at_once(
    admin_client: TestClient, session: Session, app: FastAPI
) -> None:
    colleague = make_user(session)
    with TestClient(app, follow_redirects=False) as colleague_client:
        log_in(colleague_client, colleague.email, PASSWORD)

        response = post_form(
            admin_client,
            f"/gebruikers/{colleague.id}",
            {
                "name": colleague.name,
                "email": colleague.email,
                "organisation_id": str(colleague.organisation_id),
                "is_participant": "true",
            },
        )

        assert response.status_code == 303
        assert colleague_client.get("/").status_code == 303
    remaining = session.exec(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == colleague.id)
    ).one()
    assert remaining == 0
    assert session.exec(select(User.active).where(User.id == colleague.id)).one() is False


def test_beheerder_cannot_lock_themselves_out(admin_client: TestClient, admin: User) -> None:
    response = post_form(
        admin_client,
        f"/gebruikers/{admin.id}",
        {
            "name": admin.name,
            "email": admin.email,
            "organisation_id": str(admin.organisation_id),
            "is_admin": "true",
        },
    )

    assert response.status_code == 422
    assert "U kunt uw eigen account niet deactiveren" in response.text


@pytest.mark.parametrize("path", ["/gebruikers", "/gebruikers/nieuw", "/organisaties"])
def test_a_deelnemer_gets_403_on_account_management(
    client: TestClient, session: Session, path: str
) -> None:
    log_in(client, make_user(session).email, PASSWORD)

    assert client.get(path).status_code == 403
    refused = client.post(
        path if path != "/gebruikers" else "/gebruikers/nieuw",
        data={"csrf_token": csrf_from(client, "/")},
    )
    assert refused.status_code in (403, 405)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/gebruikers/{user}"),
        ("POST", "/gebruikers/{user}"),
        ("POST", "/gebruikers/{user}/uitnodiging"),
        ("POST", "/gebruikers/{user}/wachtwoordherstel"),
        ("POST", "/gebruikers/{user}/tweede-factor/herstellen"),
        ("GET", "/organisaties/{organisation}"),
        ("POST", "/organisaties/{organisation}"),
    ],
)
def test_a_deelnemer_cannot_tell_an_existing_account_or_organisation_from_a_missing_one(
    client: TestClient, session: Session, method: str, path: str
) -> None:
    other = make_user(session)
    log_in(client, make_user(session).email, PASSWORD)
    csrf = {"csrf_token": csrf_from(client, "/")}

    def answer(user: object, organisation: object) -> tuple[int, str]:
        url = path.format(user=user, organisation=organisation)
        response = client.request(method, url, data=csrf if method == "POST" else None)
        return response.status_code, response.text

    existing = answer(other.id, other.organisation_id)
    missing = answer(MAX_ROW_ID, MAX_ROW_ID)
    out_of_range = answer(MAX_ROW_ID + 1, "abc")

    assert existing[0] == 403
    assert existing == missing == out_of_range


def test_unknown_user_id_is_a_dutch_404(admin_client: TestClient) -> None:
    for path in ("/gebruikers/99999", "/gebruikers/abc"):
        response = admin_client.get(path)
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.text


def test_changing_own_password(client: TestClient, session: Session, app: FastAPI) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    with TestClient(app, follow_redirects=False) as other_device:
        log_in(other_device, user.email, PASSWORD)

        mismatch = post_form(
            client,
            "/wachtwoord",
            {
                "current_password": PASSWORD,
                "new_password": "nieuw-wachtwoord-1",
                "new_password_repeat": "nieuw-wachtwoord-2",
            },
        )
        changed = post_form(
            client,
            "/wachtwoord",
            {
                "current_password": PASSWORD,
                "new_password": "nieuw-wachtwoord-1",
                "new_password_repeat": "nieuw-wachtwoord-1",
            },
        )

        assert mismatch.status_code == 422
        assert "De twee nieuwe wachtwoorden zijn niet gelijk." in mismatch.text
        assert changed.headers["location"] == "/account"
        assert PASSWORD_CHANGED in client.get("/account").text
        assert PASSWORD_CHANGED not in client.get("/account").text
        assert other_device.get("/").status_code == 303
    events = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert "wachtwoord.gewijzigd" in events
