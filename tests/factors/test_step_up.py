"""Step-up: dangerous pages ask again who one is when the last confirmation is old, before the
form is opened; own factors are removed and a beheerder resets lost ones only after it."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.config import Settings
from app.factors.models import FactorKind, RecoveryCode, SecondFactor
from app.factors.service import LAST_FACTOR, WRONG_PASSWORD
from app.main import STEP_UP_MESSAGE
from app.overleg.models import MeetingSeries
from app.security.sessions import SessionStage, UserSession
from tests.auth.test_login import attempt
from tests.conftest import count_statements, csrf_from, log_in
from tests.factories import PASSWORD, make_covenant, make_user
from tests.factors.helpers import (
    age_confirmations,
    code_for,
    recovery_codes,
    set_up_authenticator,
)
from tests.overleg.test_edit import edit_values
from tests.planning import Table


def confirm(client: TestClient, fields: dict[str, str], next_path: str) -> object:
    page = f"/bevestigen?volgende={next_path}"
    return client.post(
        "/bevestigen", data=fields | {"volgende": next_path, "csrf_token": csrf_from(client, page)}
    )


def test_an_old_confirmation_sends_the_form_to_the_step_up_page_and_refuses_its_post(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, is_admin=True)
    log_in(client, admin.email, PASSWORD)
    token = csrf_from(client, "/")
    age_confirmations(session)

    opened = client.get("/gebruikers/nieuw")
    posted = client.post("/gebruikers/nieuw", data={"name": "Nieuwe Naam", "csrf_token": token})
    step_up_page = client.get(opened.headers["location"])
    wrong = confirm(client, {"password": "niet-mijn-wachtwoord"}, "/gebruikers/nieuw")
    right = confirm(client, {"password": PASSWORD}, "/gebruikers/nieuw")

    assert opened.status_code == 303
    assert opened.headers["location"] == "/bevestigen?volgende=/gebruikers/nieuw"
    assert posted.status_code == 403 and STEP_UP_MESSAGE in posted.text
    assert 'name="password"' in step_up_page.text
    assert wrong.status_code == 422 and WRONG_PASSWORD in wrong.text
    assert right.status_code == 303 and right.headers["location"] == "/gebruikers/nieuw"
    assert client.get("/gebruikers/nieuw").status_code == 200
    assert client.get("/gebruikers").status_code == 200  # the list needs no step-up
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "bevestiging")).all()
    assert [(e.outcome, json.loads(e.detail or "{}")) for e in event] == [
        ("mislukt", {}),
        ("gelukt", {"soort": "wachtwoord"}),
    ]


def test_step_up_guards_organisations_covenant_signatures_and_overleg_edits(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, is_admin=True)
    covenant, version = make_covenant(session)
    log_in(client, admin.email, PASSWORD)
    age_confirmations(session)

    answers = {
        path: client.get(path).headers.get("location", "")
        for path in (
            "/organisaties/nieuw",
            f"/organisaties/{admin.organisation_id}",
            f"/gebruikers/{admin.id}",
            "/overleggen/nieuw",
            f"/convenanten/{covenant.id}/versies/{version.id}/ondertekenen",
        )
    }

    assert answers == {path: f"/bevestigen?volgende={path}" for path in answers}


def test_an_account_with_a_factor_confirms_with_a_code_and_removes_a_factor_after_it(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    secret = set_up_authenticator(client, label="Oude telefoon")
    factor_id = session.exec(select(SecondFactor.id)).one()
    remove_path = f"/account/tweede-factor/{factor_id}/verwijderen"
    age_confirmations(session)

    asked = client.get(remove_path)
    page = client.get(asked.headers["location"]).text
    by_password = confirm(client, {"password": PASSWORD}, remove_path)
    by_code = confirm(client, {"code": code_for(secret, steps_ahead=1)}, remove_path)
    removal_page = client.get(remove_path)
    removed = client.post(remove_path, data={"csrf_token": csrf_from(client, remove_path)})

    assert asked.headers["location"] == f"/bevestigen?volgende={remove_path}"
    assert 'name="code"' in page and 'name="password"' not in page
    assert by_password.status_code == 422
    assert by_code.headers["location"] == remove_path
    assert "Oude telefoon" in removal_page.text
    assert removed.headers["location"] == "/account/tweede-factor"
    assert "Tweede factor Oude telefoon verwijderd." in client.get("/account/tweede-factor").text
    assert session.exec(select(SecondFactor)).all() == []
    assert session.exec(select(RecoveryCode)).all() == []  # nothing left to stand in for


def test_the_last_factor_stays_while_one_is_required_and_another_ones_is_not_found(
    client: TestClient, session: Session, settings: Settings
) -> None:
    someone_else = make_user(session)
    session.add(SecondFactor(user_id=someone_else.id, kind=FactorKind.PASSKEY, label="Sleutel"))
    session.commit()
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    set_up_authenticator(client)
    settings.mfa_required = True
    own, other = (
        session.exec(select(SecondFactor.id).where(SecondFactor.user_id == owner)).one()
        for owner in (user.id, someone_else.id)
    )

    refused = client.post(
        f"/account/tweede-factor/{own}/verwijderen",
        data={"csrf_token": csrf_from(client, "/account/tweede-factor")},
    )
    not_found = client.get(f"/account/tweede-factor/{other}/verwijderen")

    assert refused.status_code == 422 and LAST_FACTOR in refused.text
    assert not_found.status_code == 404
    assert len(session.exec(select(SecondFactor)).all()) == 2


def test_new_recovery_codes_replace_the_old_ones(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    set_up_authenticator(client)
    old = recovery_codes(client)
    shown_again = recovery_codes(client)

    response = client.post(
        "/account/herstelcodes", data={"csrf_token": csrf_from(client, "/account/tweede-factor")}
    )

    assert shown_again == []  # shown once only
    assert "nog 10 ongebruikte herstelcodes" in client.get("/account/herstelcodes").text
    assert response.status_code == 200 and "Nieuwe herstelcodes gemaakt" in response.text
    new = [code for code in old if code in response.text]
    assert new == [] and len(session.exec(select(RecoveryCode)).all()) == 10


def test_a_beheerder_resets_lost_factors_after_step_up_and_the_person_enrols_again(
    app: FastAPI, client: TestClient, session: Session, settings: Settings
) -> None:
    person = make_user(session, name="Kees Kwijt")
    with TestClient(app, follow_redirects=False) as person_client:
        log_in(person_client, person.email, PASSWORD)
        set_up_authenticator(person_client)
        recovery_codes(person_client)
        admin = make_user(session, is_admin=True)
        log_in(client, admin.email, PASSWORD)
        account_page = f"/gebruikers/{person.id}"
        token = csrf_from(client, account_page)
        reset_path = f"/gebruikers/{person.id}/tweede-factor/herstellen"
        age_confirmations(session)

        refused = client.post(reset_path, data={"csrf_token": token})
        confirm(client, {"password": PASSWORD}, account_page)
        page = client.get(account_page).text
        reset = client.post(reset_path, data={"csrf_token": token})

        assert person_client.get("/").headers["location"].startswith("/inloggen")
    settings.mfa_required = True
    with TestClient(app, follow_redirects=False) as person_client:
        next_login = attempt(person_client, person.email, PASSWORD)

    assert refused.status_code == 403
    assert "Tweede factor herstellen" in page
    assert reset.headers["location"] == account_page
    assert "Tweede factor van Kees Kwijt hersteld" in client.get(account_page).text
    assert session.exec(select(SecondFactor)).all() == []
    assert session.exec(select(RecoveryCode)).all() == []
    assert next_login.headers["location"].startswith("/inloggen/tweede-factor/instellen")
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "tweede_factor.hersteld_door_beheerder")
    ).one()
    assert event.object_id == str(person.id)
    own_page = client.get(f"/gebruikers/{admin.id}").text
    assert "Tweede factor herstellen" not in own_page


def test_the_factor_page_costs_the_same_however_many_factors(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    set_up_authenticator(client)
    client.get("/account/tweede-factor")  # shows (and so removes) the waiting confirmation
    one = count_statements(app, client, "/account/tweede-factor")
    for label in ("Sleutel 1", "Sleutel 2"):
        session.add(SecondFactor(user_id=user.id, kind=FactorKind.PASSKEY, label=label))
    session.commit()

    three = count_statements(app, client, "/account/tweede-factor")

    assert one == three <= 5
    assert count_statements(app, client, "/bevestigen?volgende=/") <= 5
    assert session.exec(select(UserSession.stage)).one() == SessionStage.FULL


def test_changing_an_overlegs_members_asks_for_step_up_first(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    assert table.admin.user is not None
    log_in(client, table.admin.user.email, PASSWORD)
    edit_path = f"/overleggen/{series.id}/wijzigen"
    token = csrf_from(client, edit_path)
    age_confirmations(session)

    opened = client.get(edit_path)
    posted = client.post(
        edit_path, data=edit_values(table, series, name="Andere naam") | {"csrf_token": token}
    )

    assert opened.headers["location"] == f"/bevestigen?volgende={edit_path}"
    assert posted.status_code == 403 and STEP_UP_MESSAGE in posted.text
    assert session.exec(select(MeetingSeries.name)).one() == series.name


def test_a_session_whose_confirmation_has_aged_cannot_add_a_factor_or_new_recovery_codes(
    client: TestClient, session: Session
) -> None:
    """A stolen session must not add a factor of its own (which would also end the owner's
    sessions) or read fresh recovery codes."""
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    token = csrf_from(client, "/")
    age_confirmations(session)

    pages = {
        path: client.get(path).headers.get("location", "")
        for path in ("/account/tweede-factor", "/account/tweede-factor/authenticator")
    }
    posts = [
        client.post(path, data={"label": "Aanvaller", "csrf_token": token}).status_code
        for path in ("/account/tweede-factor/authenticator", "/account/herstelcodes")
    ]

    assert pages == {path: f"/bevestigen?volgende={path}" for path in pages}
    assert posts == [403, 403]
    assert session.exec(select(SecondFactor)).all() == []
    assert session.exec(select(RecoveryCode)).all() == []
