"""Mijn account: who one is, and the way to one's password, second factor and sessions."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.security.sessions import SESSION_COOKIE, start_session
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user


def test_the_account_page_shows_who_you_are_and_where_to_manage_the_login(
    client: TestClient, session: Session
) -> None:
    organisation = make_organisation(session, name="Politie Dorpsveen")
    user = make_user(
        session,
        name="Wim Wijkagent",
        organisation_id=organisation.id,
        is_privacy_officer=True,
    )
    log_in(client, user.email, PASSWORD)

    page = client.get("/account")

    assert page.status_code == 200
    for shown in ("Wim Wijkagent", user.email, "Politie Dorpsveen"):
        assert shown in page.text
    assert "Deelnemer, Functionaris gegevensbescherming (FG)" in page.text
    for link in ("/wachtwoord", "/account/tweede-factor", "/account/sessies"):
        assert f'href="{link}"' in page.text
    assert 'href="/account" aria-current="page">Mijn account</a>' in page.text


def test_an_account_without_password_is_not_offered_to_change_it(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, password_hash=None)
    token = start_session(session, user_id=user.id, client_address="testclient")
    session.commit()
    client.cookies.set(SESSION_COOKIE, token)

    account = client.get("/account").text
    sessions = client.get("/account/sessies").text

    assert 'href="/account/sessies"' in account
    assert 'href="/wachtwoord"' not in account
    assert 'href="/wachtwoord"' not in sessions


def test_every_logged_in_user_finds_mijn_account_in_the_menu(
    client: TestClient, session: Session
) -> None:
    fg = make_user(session, is_participant=False, is_privacy_officer=True)
    log_in(client, fg.email, PASSWORD)

    assert 'href="/account">Mijn account</a>' in client.get("/").text


def test_the_fg_may_log_out_elsewhere(client: TestClient, session: Session) -> None:
    fg = make_user(session, is_participant=False, is_privacy_officer=True)
    log_in(client, fg.email, PASSWORD)

    ended = client.post(
        "/account/sessies/elders-uitloggen",
        data={"csrf_token": csrf_from(client, "/account/sessies")},
    )

    assert ended.status_code == 303
    assert client.get("/account/sessies").status_code == 200
