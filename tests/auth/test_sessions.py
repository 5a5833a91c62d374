"""Server-side sessions: rotated at login, gone at logout, expiring when idle or too old."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select, update

from app.audit import AuditEvent
from app.db import utcnow
from app.security.sessions import SESSION_COOKIE, UserSession
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user


def session_count(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
    ).one()


def test_logout_kills_the_session_and_the_old_cookie_no_longer_works(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    old_cookie = client.cookies[SESSION_COOKIE]

    response = client.post("/uitloggen", data={"csrf_token": csrf_from(client, "/")})

    assert response.headers["location"] == "/inloggen?uitgelogd=1"
    assert session_count(session, user.id) == 0
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, old_cookie)
    assert client.get("/").headers["location"].startswith("/inloggen")
    assert session.exec(select(AuditEvent.action)).all()[-1] == "uitloggen"


def test_login_rotates_the_session_id(client: TestClient, session: Session) -> None:
    first_user, second_user = make_user(session), make_user(session)
    log_in(client, first_user.email, PASSWORD)
    first_cookie = client.cookies[SESSION_COOKIE]

    client.post(
        "/inloggen",
        data={
            "email": second_user.email,
            "password": PASSWORD,
            "csrf_token": csrf_from(client, "/"),
        },
    )

    assert client.cookies[SESSION_COOKIE] != first_cookie
    assert session_count(session, first_user.id) == 0
    assert session_count(session, second_user.id) == 1


def test_the_database_keeps_only_a_hash_of_the_session_token(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    stored = session.exec(select(UserSession.id)).one()

    assert stored != client.cookies[SESSION_COOKIE]
    assert len(stored) == 64


@pytest.mark.parametrize(
    ("column", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
    ids=["30 minuten niets gedaan", "12 uur na inloggen"],
)
def test_an_expired_session_sends_the_user_to_the_login_page(
    client: TestClient, session: Session, column: str, age: timedelta
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    assert client.get("/").status_code == 200

    session.exec(update(UserSession).values({column: utcnow() - age}))  # type: ignore[call-overload]

    assert client.get("/").headers["location"] == "/inloggen?volgende=/"
    assert session_count(session, user.id) == 0


def test_an_active_session_stays_alive(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    session.exec(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))  # type: ignore[call-overload]

    assert client.get("/").status_code == 200
    session.exec(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))  # type: ignore[call-overload]
    assert client.get("/").status_code == 200
