"""A confirmation after every change: shown once, on the next page, in a live region; kept in
the database with the session, so another app process shows it just as well."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.flash import FlashMessage
from app.main import create_app
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user

REGION = re.compile(
    r'<div id="meldingen"[^>]*role="status" aria-live="polite"[^>]*>(.*?)</div>\n', re.S
)


def messages(page: str) -> str:
    match = REGION.search(page)
    assert match, "geen meldingenregio op de pagina"
    return match.group(1)


def add_organisation(client: TestClient, name: str) -> None:
    response = client.post(
        "/organisaties/nieuw",
        data={"name": name, "kind": "politie", "csrf_token": csrf_from(client, "/organisaties")},
    )
    assert response.status_code == 303


def test_a_saved_change_is_confirmed_once_on_the_next_page(
    client: TestClient, session: Session
) -> None:
    log_in(client, make_user(session, is_admin=True).email, PASSWORD)
    add_organisation(client, "Politie Dorpsveen")

    first = client.get("/organisaties").text
    again = client.get("/organisaties").text

    assert "Organisatie Politie Dorpsveen toegevoegd." in messages(first)
    assert "toegevoegd" not in messages(again)
    assert session.exec(select(FlashMessage)).all() == []


def test_a_refused_form_confirms_nothing(client: TestClient, session: Session) -> None:
    log_in(client, make_user(session, is_admin=True).email, PASSWORD)
    refused = client.post(
        "/organisaties/nieuw",
        data={"name": "", "kind": "politie", "csrf_token": csrf_from(client, "/organisaties")},
    )

    assert refused.status_code == 422
    assert "toegevoegd" not in refused.text
    assert "toegevoegd" not in messages(client.get("/organisaties").text)


def test_another_app_process_shows_the_confirmation(
    app: FastAPI, settings: Settings, client: TestClient, session: Session
) -> None:
    log_in(client, make_user(session, is_admin=True).email, PASSWORD)
    add_organisation(client, "GGD Dorpsveen")
    other = create_app(settings)
    try:
        with TestClient(other, base_url="http://testserver", follow_redirects=False) as second:
            second.cookies.update(client.cookies)
            page = second.get("/organisaties").text
    finally:
        other.state.engine.dispose()

    assert "Organisatie GGD Dorpsveen toegevoegd." in messages(page)
    assert "toegevoegd" not in messages(client.get("/organisaties").text)


def test_a_confirmation_is_only_for_the_session_that_made_the_change(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    admin = make_user(session, is_admin=True)
    log_in(client, admin.email, PASSWORD)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as colleague:
        log_in(colleague, make_user(session, is_admin=True).email, PASSWORD)
        add_organisation(client, "Zorg Dorpsveen")
        colleague.cookies.set("casustafel_melding", "1")  # a forged hint shows nothing

        assert "toegevoegd" not in messages(colleague.get("/organisaties").text)
    assert "Organisatie Zorg Dorpsveen toegevoegd." in messages(client.get("/organisaties").text)
