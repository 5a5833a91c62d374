"""A session stays alive while someone works (the heartbeat), never past its absolute limit;
a page whose session ended learns so from a marked 401, and the new session's CSRF token."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select, update

from app.audit import AuditEvent
from app.config import Settings
from app.db import utcnow
from app.organisations.models import Organisation
from app.security.sessions import UserSession, touch_interval
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user

EXPIRED = {"x-casustafel-session": "expired"}
LIVE_PAGE_PATH = "/overleggen/3/bijeenkomsten/7/live"


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def age_session(session: Session, **ages: timedelta) -> None:
    """Make the session's moments lie this far in the past."""
    values = {column: utcnow() - age for column, age in ages.items()}
    session.exec(update(UserSession).values(values))  # type: ignore[call-overload]


def last_seen(session: Session) -> timedelta:
    """How long ago the session was last touched."""
    session.expire_all()
    return utcnow() - session.exec(select(UserSession.last_seen_at)).one()


@pytest.fixture
def logged_in(client: TestClient, session: Session) -> str:
    """A logged-in beheerder; the CSRF token of the session."""
    log_in(client, make_user(session, is_admin=True).email, PASSWORD)
    return csrf_from(client, "/organisaties/nieuw")


@pytest.mark.parametrize(
    ("idle_minutes", "interval"),
    [(30, timedelta(minutes=1)), (5, timedelta(seconds=30)), (0.1, timedelta(seconds=0.6))],
)
def test_the_touch_interval_is_a_tenth_of_the_idle_limit_and_at_most_a_minute(
    idle_minutes: float, interval: timedelta
) -> None:
    settings = Settings(_env_file=None, session_idle_minutes=idle_minutes)  # type: ignore[call-arg]

    assert touch_interval(settings) == interval


def test_a_short_idle_limit_is_kept_alive_by_requests_only_seconds_apart(
    client: TestClient, session: Session, settings: Settings, logged_in: str
) -> None:
    settings.session_idle_minutes = 0.1  # six seconds; a request touches after 0.6 s
    age_session(session, last_seen_at=timedelta(seconds=5))

    assert client.get("/").status_code == 200
    assert last_seen(session) < timedelta(seconds=1)
    age_session(session, last_seen_at=timedelta(seconds=7))
    assert client.get("/").headers["location"] == "/inloggen?volgende=/"


def test_the_heartbeat_touches_the_session_and_writes_nothing_else(
    client: TestClient, session: Session, logged_in: str
) -> None:
    age_session(session, last_seen_at=timedelta(minutes=29))
    events = count(session, AuditEvent)

    response = client.post("/sessie/actief", headers={"X-CSRF-Token": logged_in})

    assert response.status_code == 204
    assert last_seen(session) < timedelta(minutes=1)
    assert count(session, AuditEvent) == events


def test_the_heartbeat_needs_the_csrf_token(client: TestClient, logged_in: str) -> None:
    assert client.post("/sessie/actief").status_code == 403


@pytest.mark.parametrize(
    "ages",
    [
        {"last_seen_at": timedelta(minutes=31)},
        {"created_at": timedelta(hours=12, minutes=1), "last_seen_at": timedelta(seconds=10)},
    ],
    ids=["30 minuten niets gedaan", "12 uur na inloggen, ook al was er net nog een hartslag"],
)
def test_the_heartbeat_of_an_ended_session_gets_the_marked_401_and_revives_nothing(
    client: TestClient, session: Session, logged_in: str, ages: dict[str, timedelta]
) -> None:
    age_session(session, **ages)

    response = client.post("/sessie/actief", headers={"X-CSRF-Token": logged_in})

    assert response.status_code == 401
    assert response.headers["x-casustafel-session"] == "expired"
    assert count(session, UserSession) == 0


def test_an_htmx_request_of_an_ended_session_gets_a_marked_401_and_changes_nothing(
    client: TestClient, session: Session, logged_in: str
) -> None:
    age_session(session, last_seen_at=timedelta(minutes=31))
    before, events = count(session, Organisation), count(session, AuditEvent)

    response = client.post(
        "/organisaties/nieuw",
        data={"name": "GGD Regio", "kind": "ggd"},
        headers={
            "X-CSRF-Token": logged_in,
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver{LIVE_PAGE_PATH}",
        },
    )

    assert response.status_code == 401
    assert response.headers["x-casustafel-session"] == "expired"
    assert "Uw sessie is verlopen" in response.text
    # For a page without session.js: to the login page, and back to the page (not the action).
    assert response.headers["hx-redirect"] == f"/inloggen?volgende={LIVE_PAGE_PATH}"
    assert (count(session, Organisation), count(session, AuditEvent)) == (before, events)


@pytest.mark.parametrize(
    "navigation",
    [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}],
    ids=["boosted", "geschiedenis"],
)
def test_htmx_navigation_of_an_ended_session_still_goes_to_the_login_page(
    client: TestClient, session: Session, logged_in: str, navigation: dict[str, str]
) -> None:
    age_session(session, last_seen_at=timedelta(minutes=31))

    response = client.get("/organisaties", headers={"HX-Request": "true", **navigation})

    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/inloggen?volgende=/organisaties"
    assert "x-casustafel-session" not in response.headers


def test_the_token_endpoint_gives_the_current_sessions_token(
    client: TestClient, session: Session, logged_in: str
) -> None:
    first = client.get("/sessie/token")
    user = make_user(session)
    client.post(  # someone else logs in at the same browser
        "/inloggen", data={"email": user.email, "password": PASSWORD, "csrf_token": logged_in}
    )
    second = client.get("/sessie/token")

    assert first.json()["csrf_token"] == logged_in
    assert second.json() == {"csrf_token": csrf_from(client, "/"), "user_id": user.id}
    assert second.json()["csrf_token"] != logged_in
    assert second.headers["cache-control"] == "no-store"


def test_the_token_endpoint_answers_401_without_a_session(
    client: TestClient, session: Session, logged_in: str
) -> None:
    age_session(session, last_seen_at=timedelta(minutes=31))

    response = client.get("/sessie/token")

    assert response.status_code == 401
    assert response.headers["x-casustafel-session"] == "expired"
    assert "csrf" not in response.text


def test_the_token_endpoint_refuses_another_site(client: TestClient, logged_in: str) -> None:
    response = client.get("/sessie/token", headers={"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 403
    assert "user_id" not in response.text


def test_logging_in_again_over_an_ended_session_works_with_the_login_pages_token(
    client: TestClient, session: Session, logged_in: str
) -> None:
    age_session(session, last_seen_at=timedelta(minutes=31))
    user = make_user(session)

    log_in(client, user.email, PASSWORD)  # the stale cookie still binds the login form's token

    assert client.get("/sessie/token").json()["user_id"] == user.id
