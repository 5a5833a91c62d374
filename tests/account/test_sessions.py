"""Mijn sessies: every live session of one's own, in words, and logging out elsewhere."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from app.account.queries import session_reference
from app.account.service import ALREADY_ENDED
from app.audit import AuditEvent
from app.config import Settings
from app.dates import local_datetime
from app.db import utcnow
from app.security.sessions import SESSION_COOKIE, SessionStage, UserSession, start_session
from app.users.models import User
from tests.conftest import csrf_from, log_in, statements_of
from tests.factories import PASSWORD, make_user
from tests.test_flash import messages

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
PAGE = "/account/sessies"


@pytest.fixture
def user(session: Session) -> User:
    return make_user(session)


@pytest.fixture
def desktop(client: TestClient, user: User) -> TestClient:
    """The user's Firefox on Windows: the client that opens the page."""
    client.headers["user-agent"] = FIREFOX_ON_WINDOWS
    log_in(client, user.email, PASSWORD)
    return client


@pytest.fixture
def phone(app: FastAPI, user: User, desktop: TestClient) -> Iterator[TestClient]:
    """The same user's iPhone, logged in after the desktop."""
    with TestClient(
        app, follow_redirects=False, headers={"user-agent": SAFARI_ON_IPHONE}
    ) as phone_client:
        log_in(phone_client, user.email, PASSWORD)
        yield phone_client


def stored_sessions(session: Session, user: User) -> list[UserSession]:
    return list(session.exec(select(UserSession).where(UserSession.user_id == user.id)).all())


def send(client: TestClient, path: str, **fields: str) -> int:
    """Post a form of the sessions page with its CSRF token; the answer's status."""
    token = csrf_from(client, PAGE)
    return client.post(path, data={"csrf_token": token, **fields}).status_code


def test_the_page_lists_both_devices_in_words_newest_first_with_this_one_marked(
    desktop: TestClient, phone: TestClient, session: Session, user: User
) -> None:
    page = desktop.get(PAGE)

    assert page.status_code == 200
    rows = page.text.split('<tbody class="utrecht-table__body">')[1].split("</tr>")
    assert "Mobile Safari op iOS" in rows[0]
    assert "Firefox op Windows" in rows[1] and "deze sessie" in rows[1]
    assert "deze sessie" not in rows[0]
    stored = stored_sessions(session, user)
    for user_session in stored:
        assert user_session.id not in page.text
        assert local_datetime(user_session.created_at) in page.text
    assert desktop.cookies[SESSION_COOKIE] not in page.text
    assert page.text.count("wachtwoord</td>") == 2


def test_logging_out_elsewhere_ends_the_other_device_and_keeps_this_one(
    desktop: TestClient, phone: TestClient, session: Session, user: User
) -> None:
    assert send(desktop, f"{PAGE}/elders-uitloggen") == 303

    after = desktop.get(PAGE)
    assert after.status_code == 200
    assert "U bent op 1 ander apparaat uitgelogd." in messages(after.text)
    assert "Mobile Safari" not in after.text
    assert "U bent nergens anders ingelogd." in after.text
    assert phone.get("/acties").headers["location"] == "/inloggen?volgende=/acties"
    assert len(stored_sessions(session, user)) == 1
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "sessies.elders_beeindigd")
    ).one()
    assert (event.actor_user_id, json.loads(event.detail)) == (user.id, {"aantal": 1})


def test_one_other_session_can_be_ended_by_its_reference(
    app: FastAPI, desktop: TestClient, phone: TestClient, session: Session, user: User
) -> None:
    with TestClient(app, follow_redirects=False, headers={"user-agent": EDGE_ON_MAC}) as laptop:
        log_in(laptop, user.email, PASSWORD)
        page = desktop.get(PAGE).text
        phone_id = next(s.id for s in stored_sessions(session, user) if "iPhone" in s.user_agent)
        reference = session_reference(phone_id, settings=app.state.settings)
        assert f'name="sessie" value="{reference}"' in page

        assert send(desktop, f"{PAGE}/uitloggen", sessie=reference) == 303

        assert "De sessie (Mobile Safari op iOS) is beëindigd." in messages(desktop.get(PAGE).text)
        assert phone.get("/").status_code == 303
        assert laptop.get("/").status_code == 200
        assert desktop.get("/").status_code == 200
        assert send(desktop, f"{PAGE}/uitloggen", sessie=reference) == 422


def test_an_expired_session_is_neither_listed_nor_counted(
    desktop: TestClient, phone: TestClient, session: Session, user: User, settings: Settings
) -> None:
    session.exec(
        update(UserSession)
        .where(col(UserSession.user_agent) == SAFARI_ON_IPHONE)
        .values(last_seen_at=utcnow() - settings.session_idle_limit - timedelta(minutes=1))
    )
    start_session(session, user_id=user.id, client_address="10.0.0.9", user_agent=EDGE_ON_MAC)
    session.exec(
        update(UserSession)
        .where(col(UserSession.user_agent) == EDGE_ON_MAC)
        .values(created_at=utcnow() - settings.session_absolute_limit - timedelta(minutes=1))
    )
    session.commit()

    page = desktop.get(PAGE).text
    send(desktop, f"{PAGE}/elders-uitloggen")

    assert "Mobile Safari" not in page and "Edge" not in page
    assert "U was nergens anders ingelogd." in messages(desktop.get(PAGE).text)


def test_another_users_sessions_never_appear_and_cannot_be_ended(
    app: FastAPI, desktop: TestClient, session: Session
) -> None:
    colleague = make_user(session, name="Cor Collega")
    with TestClient(app, follow_redirects=False, headers={"user-agent": EDGE_ON_MAC}) as theirs:
        log_in(theirs, colleague.email, PASSWORD)
        their_session = stored_sessions(session, colleague)[0]
        reference = session_reference(their_session.id, settings=app.state.settings)

        page = desktop.get(PAGE).text
        refused = desktop.post(
            f"{PAGE}/uitloggen", data={"sessie": reference, "csrf_token": csrf_from(desktop, PAGE)}
        )
        send(desktop, f"{PAGE}/elders-uitloggen")

        assert "Edge" not in page and reference not in page
        assert refused.status_code == 422
        assert ALREADY_ENDED in refused.text
        assert theirs.get("/").status_code == 200


def test_ending_sessions_needs_the_csrf_token(
    desktop: TestClient, phone: TestClient, session: Session, user: User
) -> None:
    refused = desktop.post(f"{PAGE}/elders-uitloggen")

    assert refused.status_code == 403
    assert len(stored_sessions(session, user)) == 2
    assert phone.get("/").status_code == 200


def test_an_unfinished_login_shows_that_its_second_factor_is_missing(
    desktop: TestClient, session: Session, user: User
) -> None:
    start_session(
        session,
        user_id=user.id,
        client_address="192.0.2.7",
        user_agent=SAFARI_ON_IPHONE,
        stage=SessionStage.SECOND_FACTOR,
    )
    session.commit()

    page = desktop.get(PAGE).text

    assert "192.0.2.7" in page
    assert "tweede factor nog niet ingevoerd" in page


def test_the_page_costs_the_same_statements_for_one_session_as_for_five(
    app: FastAPI, desktop: TestClient, session: Session, user: User
) -> None:
    one = statements_of(app, lambda: desktop.get(PAGE))
    for number in range(4):
        start_session(
            session, user_id=user.id, client_address=f"10.0.0.{number}", user_agent=EDGE_ON_MAC
        )
    session.commit()

    five = statements_of(app, lambda: desktop.get(PAGE))

    assert desktop.get(PAGE).text.count("Uitloggen<span") == 4
    assert five == one
