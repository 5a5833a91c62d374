"""Logging in: throttling, messages that reveal nothing, and the audit trail of it."""

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.auth.service import LOCKED_OUT, WRONG_CREDENTIALS
from tests.conftest import csrf_from
from tests.factories import PASSWORD, make_user


def attempt(client: TestClient, email: str, password: str) -> Response:
    return client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": csrf_from(client)}
    )


def actions(session: Session) -> list[tuple[str, str]]:
    events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [(event.action, event.outcome) for event in events]


def test_right_password_logs_in_and_lands_on_the_dutch_start_page(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, name="Wim Wijkagent")

    response = attempt(client, user.email.upper(), PASSWORD)

    assert response.status_code == 303
    assert "Welkom, Wim Wijkagent" in client.get("/").text
    assert ("inloggen", "gelukt") in actions(session)


def test_wrong_password_keeps_the_email_and_says_nothing_about_the_account(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    wrong = attempt(client, user.email, "fout-wachtwoord-123")
    unknown = attempt(client, "niemand@nergens.example", "fout-wachtwoord-123")

    assert wrong.status_code == unknown.status_code == 422
    assert WRONG_CREDENTIALS in wrong.text and WRONG_CREDENTIALS in unknown.text
    assert f'value="{user.email}"' in wrong.text
    assert "fout-wachtwoord-123" not in wrong.text
    assert actions(session).count(("inloggen", "mislukt")) == 2


def test_sixth_attempt_is_refused_even_with_the_right_password(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    for _ in range(4):
        assert WRONG_CREDENTIALS in attempt(client, user.email, "fout-wachtwoord-123").text
    fifth = attempt(client, user.email, "fout-wachtwoord-123")

    sixth = attempt(client, user.email, PASSWORD)

    assert LOCKED_OUT in fifth.text
    assert sixth.status_code == 422
    assert LOCKED_OUT in sixth.text
    assert "casustafel_sessie" not in sixth.cookies
    assert client.get("/").status_code == 303
    assert ("inloggen.blokkade", "geweigerd") in actions(session)
    assert actions(session)[-1] == ("inloggen", "geweigerd")


def test_lockout_message_is_the_same_for_an_unknown_account(
    client: TestClient, session: Session
) -> None:
    known = make_user(session)
    responses = {}
    for email in (known.email, "onbekend@nergens.example"):
        for _ in range(5):
            attempt(client, email, "fout-wachtwoord-123")
        responses[email] = attempt(client, email, PASSWORD)

    known_text, unknown_text = (
        responses[known.email].text,
        responses["onbekend@nergens.example"].text,
    )
    assert LOCKED_OUT in known_text and LOCKED_OUT in unknown_text
    assert responses[known.email].status_code == responses["onbekend@nergens.example"].status_code


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    for number in range(20):
        attempt(client, f"gok{number}@nergens.example", "fout-wachtwoord-123")

    response = attempt(client, user.email, PASSWORD)

    assert LOCKED_OUT in response.text
    assert client.get("/").status_code == 303


def test_a_success_resets_the_count_for_the_account(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for _ in range(4):
        attempt(client, user.email, "fout-wachtwoord-123")
    assert attempt(client, user.email, PASSWORD).status_code == 303
    client.cookies.clear()

    for _ in range(4):
        attempt(client, user.email, "fout-wachtwoord-123")

    assert attempt(client, user.email, PASSWORD).status_code == 303


def test_an_inactive_account_cannot_log_in(client: TestClient, session: Session) -> None:
    user = make_user(session, active=False)

    response = attempt(client, user.email, PASSWORD)

    assert response.status_code == 422
    assert WRONG_CREDENTIALS in response.text


def test_after_login_the_user_goes_back_to_the_page_asked_for(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    first = client.get("/wachtwoord")
    assert first.headers["location"] == "/inloggen?volgende=/wachtwoord"
    token = csrf_from(client)

    response = client.post(
        "/inloggen",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": token,
            "volgende": "/wachtwoord",
        },
    )
    elsewhere = client.post(
        "/inloggen",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": token,
            "volgende": "//kwaadaardig.example/",
        },
    )

    assert response.headers["location"] == "/wachtwoord"
    assert elsewhere.status_code in (303, 403)
    assert "kwaadaardig" not in elsewhere.headers.get("location", "")
