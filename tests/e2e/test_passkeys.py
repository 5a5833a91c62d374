"""Passkeys in Chromium with the DevTools virtual authenticator, on localhost (browsers refuse an
IP address as relying party): add one, log out, log in with password and passkey, remove it."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from tests.e2e.conftest import BrowserPage, watched_page
from tests.e2e.test_login import log_in

# An account no other browser test uses: its passkey changes how it logs in.
EMAIL = "woningcorporatie@wonen.example"
FACTORS_PAGE = "/account/tweede-factor"


@pytest.fixture
def passkey_page(browser_context: BrowserContext, localhost_server: str) -> BrowserPage:
    return watched_page(browser_context)


@pytest.fixture
def authenticator(passkey_page: BrowserPage) -> Iterator[tuple[CDPSession, str]]:
    """A platform authenticator with a fingerprint reader that always recognises its user."""
    devtools = passkey_page.page.context.new_cdp_session(passkey_page.page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield devtools, added["authenticatorId"]
    devtools.send("WebAuthn.disable")


def credentials(authenticator: tuple[CDPSession, str]) -> list[dict[str, Any]]:
    devtools, authenticator_id = authenticator
    found = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    return found["credentials"]


def open_factors_page(page: Page, base_url: str) -> None:
    response = page.goto(f"{base_url}{FACTORS_PAGE}")
    if response is not None and response.status == 404:
        pytest.skip(f"{FACTORS_PAGE} (authenticator-app, ander werk) staat nog niet op deze tak")


def test_add_a_passkey_log_in_with_it_and_remove_it(
    passkey_page: BrowserPage, localhost_server: str, authenticator: tuple[CDPSession, str]
) -> None:
    page = passkey_page.page
    log_in(page, localhost_server, EMAIL)
    expect(page.get_by_role("heading", name=re.compile("Welkom"))).to_be_visible()
    open_factors_page(page, localhost_server)

    page.get_by_label("Naam van de passkey").fill("Mijn werklaptop")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page).to_have_url(re.compile("/account/herstelcodes"))
    assert len(credentials(authenticator)) == 1
    page.goto(f"{localhost_server}{FACTORS_PAGE}")
    expect(page.get_by_text("Mijn werklaptop", exact=True)).to_be_visible()

    page.get_by_label("Naam van de passkey").fill("Nog eens")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_role("status").filter(has_text="al aan uw account")).to_be_visible()
    assert len(credentials(authenticator)) == 1

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, localhost_server, EMAIL)
    expect(page).to_have_url(re.compile("/inloggen/tweede-factor"))
    page.get_by_role("button", name="Inloggen met passkey").click()
    expect(page.get_by_role("heading", name=re.compile("Welkom"))).to_be_visible()

    page.goto(f"{localhost_server}{FACTORS_PAGE}")
    page.get_by_role("link", name="Verwijderen (Mijn werklaptop)").click()
    page.get_by_role("button", name="Verwijderen").click()
    expect(page.get_by_text("Mijn werklaptop", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, localhost_server, EMAIL)
    expect(page.get_by_role("heading", name=re.compile("Welkom"))).to_be_visible()
    assert passkey_page.console_errors == []
    assert passkey_page.csp_violations() == []
