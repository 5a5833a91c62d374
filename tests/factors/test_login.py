"""The login's second step: an authenticator code or a recovery code, each once, throttled like
a password; until then the session opens nothing but that page."""

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.auth.service import LOCKED_OUT
from app.config import Settings
from app.factors.models import RecoveryCode, SecondFactor
from app.factors.service import WRONG_CODE
from app.security.sessions import SessionStage, UserSession
from tests.auth.test_login import attempt
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.factors.helpers import (
    ADD_PAGE,
    code_for,
    enter_code,
    recovery_codes,
    secret_on,
    set_up_authenticator,
)


def log_out(client: TestClient) -> None:
    assert client.post("/uitloggen", data={"csrf_token": csrf_from(client, "/")}).status_code == 303


def audit_actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_an_authenticator_app_set_up_on_the_account_page_is_asked_at_the_next_login(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, name="Wim Wijkagent")
    log_in(client, user.email, PASSWORD)
    page = client.get(ADD_PAGE)
    secret = secret_on(page.text)
    wrong = client.post(
        ADD_PAGE,
        data={"label": "Telefoon", "code": "000000", "csrf_token": csrf_from(client, ADD_PAGE)},
    )
    saved = client.post(
        ADD_PAGE,
        data={
            "label": "Telefoon",
            "code": code_for(secret),
            "csrf_token": csrf_from(client, ADD_PAGE),
        },
    )
    codes = recovery_codes(client)
    overview = client.get("/account/tweede-factor").text
    log_out(client)

    password_step = attempt(client, user.email, PASSWORD)
    refused_meanwhile = client.get("/acties")
    second_step = enter_code(client, code_for(secret, steps_ahead=1))

    assert "<svg" in page.text and 'id="totp-sleutel"' in page.text
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.text
    assert 'value="Telefoon"' in wrong.text  # what was typed stays
    assert saved.headers["location"] == "/account/herstelcodes?volgende=%2Faccount%2Ftweede-factor"
    assert len(codes) == len(set(codes)) == 10
    assert "Telefoon" in overview and "Authenticator-app" in overview and "nog 10" in overview
    assert password_step.headers["location"] == "/inloggen/tweede-factor?volgende=%2F"
    assert refused_meanwhile.headers["location"].startswith("/inloggen")
    assert second_step.status_code == 303 and second_step.headers["location"] == "/"
    assert "Welkom, Wim Wijkagent" in client.get("/").text
    stored = session.exec(select(SecondFactor)).one()
    assert stored.secret and secret not in stored.secret  # encrypted at rest
    assert {"tweede_factor.ingesteld", "tweede_factor.gebruikt"} <= set(audit_actions(session))
    details = " ".join(session.exec(select(AuditEvent.detail)).all())
    assert secret not in details and all(code not in details for code in codes)


def factor_user_logged_out(client: TestClient, session: Session) -> tuple[str, str]:
    """A user with an authenticator app, logged out again: their e-mail address and secret."""
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    secret = set_up_authenticator(client)
    assert recovery_codes(client)
    log_out(client)
    return user.email, secret


def test_the_same_code_is_not_accepted_twice(client: TestClient, session: Session) -> None:
    email, secret = factor_user_logged_out(client, session)
    code = code_for(secret, steps_ahead=1)
    attempt(client, email, PASSWORD)
    assert enter_code(client, code).status_code == 303
    log_out(client)

    attempt(client, email, PASSWORD)
    replayed = enter_code(client, code)

    assert replayed.status_code == 422
    assert WRONG_CODE in replayed.text
    assert client.get("/").headers["location"].startswith("/inloggen")


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.login_max_failures_per_account = 3
    email, secret = factor_user_logged_out(client, session)
    attempt(client, email, PASSWORD)

    answers = [enter_code(client, wrong) for wrong in ("111111", "222222", "nep-herstelcode")]
    right_but_locked = enter_code(client, code_for(secret, steps_ahead=1))

    assert [answer.status_code for answer in answers] == [422, 422, 422]
    assert WRONG_CODE in answers[0].text and LOCKED_OUT in answers[2].text
    assert right_but_locked.status_code == 422 and LOCKED_OUT in right_but_locked.text
    assert session.exec(select(UserSession.stage)).one() == SessionStage.SECOND_FACTOR
    actions = audit_actions(session)
    assert actions.count("tweede_factor.mislukt") == 4 and "inloggen.blokkade" in actions


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    set_up_authenticator(client)
    code = recovery_codes(client)[3]
    log_out(client)

    attempt(client, user.email, PASSWORD)
    used = enter_code(client, code.upper().replace("-", " "))  # as typed from paper
    landing = client.get("/").text
    log_out(client)
    attempt(client, user.email, PASSWORD)
    again = enter_code(client, code)

    assert used.status_code == 303
    assert "Herstelcode gebruikt. U heeft er nog 9 over." in landing
    assert again.status_code == 422 and WRONG_CODE in again.text
    assert (
        len(session.exec(select(RecoveryCode).where(col(RecoveryCode.used_at).is_not(None))).all())
        == 1
    )
    used_event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "herstelcode.gebruikt")
    ).one()
    assert json.loads(used_event.detail) == {"soort": "herstelcode"}


def test_a_login_waiting_for_its_second_factor_opens_nothing_else(
    client: TestClient, session: Session
) -> None:
    email, _ = factor_user_logged_out(client, session)
    codes_before = session.exec(select(RecoveryCode.code_hash)).all()
    attempt(client, email, PASSWORD)

    refused = {
        path: client.get(path).headers.get("location", "")
        for path in (
            "/",
            "/acties",
            "/account/tweede-factor",
            "/account/herstelcodes",
            "/bevestigen",
        )
    }
    login_page = client.get("/inloggen?volgende=/acties")
    set_up_page = client.get("/inloggen/tweede-factor/instellen")
    new_codes = client.post(
        "/account/herstelcodes", data={"csrf_token": csrf_from(client, "/inloggen/tweede-factor")}
    )
    cancelled = client.post(
        "/inloggen/tweede-factor/annuleren",
        data={"csrf_token": csrf_from(client, "/inloggen/tweede-factor")},
    )

    assert all(location.startswith("/inloggen?") for location in refused.values()), refused
    assert login_page.headers["location"] == "/inloggen/tweede-factor?volgende=%2Facties"
    assert set_up_page.headers["location"].startswith("/inloggen/tweede-factor?")
    assert new_codes.status_code == 303 and new_codes.headers["location"].startswith("/inloggen")
    assert session.exec(select(RecoveryCode.code_hash)).all() == codes_before
    assert cancelled.status_code == 303
    assert session.exec(select(UserSession)).all() == []
    assert "Inloggen" in client.get("/inloggen").text


def test_a_required_second_factor_is_set_up_at_login_and_then_opens_the_app(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.mfa_required = True
    user = make_user(session, name="Nina Nieuw")

    to_set_up = attempt(client, user.email, PASSWORD).headers["location"]
    page = client.get(to_set_up)
    not_yet = client.get("/")
    secret = secret_on(page.text)
    done = client.post(
        "/inloggen/tweede-factor/instellen",
        data={
            "label": "Werktelefoon",
            "code": code_for(secret),
            "volgende": "/acties",
            "csrf_token": csrf_from(client, to_set_up),
        },
    )
    codes = recovery_codes(client)

    assert to_set_up == "/inloggen/tweede-factor/instellen?volgende=%2F"
    assert "verplicht" in page.text and "Annuleren en uitloggen" in page.text
    assert not_yet.headers["location"].startswith("/inloggen")
    assert done.headers["location"] == "/account/herstelcodes?volgende=%2Facties"
    assert len(codes) == 10
    assert session.exec(select(UserSession.stage)).one() == SessionStage.FULL
    assert "Welkom, Nina Nieuw" in client.get("/").text


def test_a_new_factor_ends_the_other_sessions(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    with TestClient(app, follow_redirects=False) as other_device:
        log_in(other_device, user.email, PASSWORD)
        set_up_authenticator(client)

        assert other_device.get("/").headers["location"].startswith("/inloggen")
    assert client.get("/").status_code == 200
