"""A demo user sets up an authenticator app and logs in with password and code; a beheerder
whose confirmation has aged is asked again before the new-user form opens."""

import time
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, create_engine, select, update

from app.db import utcnow
from app.demo import DEMO_PASSWORD
from app.security.sessions import UserSession
from app.users.models import User
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in


@pytest.fixture
def live_database(live_server: str, live_database_url: str) -> Iterator[Engine]:
    """The live server's own database (the demo on SQLite, made by the live_server fixture)."""
    engine = create_engine(live_database_url)
    yield engine
    engine.dispose()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()


def test_a_demo_user_sets_up_an_authenticator_app_and_logs_in_with_a_code(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")
    page.goto(f"{live_server}/account/tweede-factor")
    page.get_by_role("link", name="Authenticator-app toevoegen").click()
    expect(page.get_by_role("img", name="QR-code")).to_be_visible()
    secret = page.locator("#totp-sleutel").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Naam voor deze app").fill("Telefoon")
    page.get_by_label("Code uit de app").fill(totp.now())
    page.get_by_role("button", name="Instellen").click()

    expect(page.get_by_role("heading", name="Herstelcodes")).to_be_visible()
    expect(page.get_by_text("Authenticator-app Telefoon ingesteld.")).to_be_visible()
    expect(page.get_by_role("list", name="Uw herstelcodes").get_by_role("listitem")).to_have_count(
        10
    )
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    expect(page.get_by_role("cell", name="Telefoon", exact=True)).to_be_visible()
    log_out(page)

    log_in(page, live_server, "wijkagent@politie.example")
    expect(page.get_by_role("heading", name="Tweede stap van het inloggen")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Welkom, Wim Wijkagent")).to_be_visible()

    # Removing it again (the login just confirmed who this is) leaves the demo as it was.
    page.goto(f"{live_server}/account/tweede-factor")
    page.get_by_role("link", name="Verwijderen").click()
    page.get_by_role("button", name="Verwijderen").click()
    expect(page.get_by_text("Tweede factor Telefoon verwijderd.")).to_be_visible()
    expect(page.get_by_text("U heeft nog geen tweede factor.")).to_be_visible()
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_an_aged_confirmation_asks_again_before_the_new_user_form_opens(
    browser_page: BrowserPage, live_server: str, live_database: Engine
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")
    expect(page.get_by_role("heading", name="Welkom, Bea Beheer")).to_be_visible()
    with Session(live_database) as session:
        beheer = select(User.id).where(User.email == "beheer@dorpsveen.example")
        session.execute(
            update(UserSession)
            .where(col(UserSession.user_id).in_(beheer))
            .values(confirmed_at=utcnow() - timedelta(minutes=20))
        )
        session.commit()

    page.goto(f"{live_server}/gebruikers/nieuw")
    expect(page.get_by_role("heading", name="Bevestig dat u het bent")).to_be_visible()
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_role("heading", name="Gebruiker toevoegen")).to_be_visible()
    assert page.url == f"{live_server}/gebruikers/nieuw"
    assert browser_page.csp_violations() == []
