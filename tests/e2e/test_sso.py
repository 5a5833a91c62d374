"""Inloggen met organisatieaccount in Chromium: the demo with a real OpenID Provider (the npm
package oidc-provider on loopback) configured as Gemeente Dorpsveen's, trusted."""

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.conftest import VisitedPages, demo_server
from tests.oidc.provider import ProviderUser, provider_settings, running_provider
from tests.pg import free_port

PROVIDER_USERS = {
    "victor": ProviderUser(email="voorzitter@dorpsveen.example", name="Victor Voorzitter"),
    "nina": ProviderUser(email="nina@dorpsveen.example", name="Nina Nieuwkomer"),
}


@pytest.fixture(scope="module")
def sso_server(
    tmp_path_factory: pytest.TempPathFactory, visited_pages: VisitedPages
) -> Iterator[str]:
    """The demo, with Gemeente Dorpsveen's accounts also logging in through the provider."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with running_provider(
        redirect_uris=[f"{base_url}/inloggen/sso/dorpsveen/terug"],
        post_logout_redirect_uris=[f"{base_url}/inloggen?uitgelogd=1"],
        users=PROVIDER_USERS,
    ) as issuer:
        visited_pages.leave_out(issuer)
        env = {
            "CASUSTAFEL_BASE_URL": base_url,
            "CASUSTAFEL_OIDC_PROVIDERS": json.dumps([provider_settings(issuer, trusted=True)]),
        }
        with demo_server(tmp_path_factory.mktemp("e2e-sso"), port, env) as served:
            yield served


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    page.set_default_timeout(10_000)
    return page


def press_the_organisation_button(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/inloggen")
    expect(page.get_by_role("heading", name="Inloggen met organisatieaccount")).to_be_visible()
    page.get_by_role("link", name="Inloggen met Gemeente Dorpsveen-account").click()


def log_in_with_organisation_account(page: Page, base_url: str, login: str) -> None:
    """Press the button on the login page and log in at the provider's own form."""
    press_the_organisation_button(page, base_url)
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("wat-dan-ook")
    page.get_by_role("button", name="Sign-in").click()


def test_a_known_person_logs_in_with_the_organisation_account_and_out_at_both(
    page: Page, sso_server: str
) -> None:
    log_in_with_organisation_account(page, sso_server, "victor")

    expect(page.get_by_role("heading", name="Welkom, Victor Voorzitter")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    page.get_by_role("link", name="Ook uitloggen bij Gemeente Dorpsveen").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    assert page.url.startswith(f"{sso_server}/inloggen")


def test_someone_new_waits_until_a_beheerder_admits_them(page: Page, sso_server: str) -> None:
    log_in_with_organisation_account(page, sso_server, "nina")
    expect(page.get_by_role("heading", name="Wacht op toelating")).to_be_visible()
    expect(page.get_by_text("Er is nu een Casustafel-account voor u aangemaakt")).to_be_visible()

    admit(page, sso_server, "Nina Nieuwkomer")

    # Still logged in at the provider: the button alone brings her in now.
    press_the_organisation_button(page, sso_server)
    expect(page.get_by_role("heading", name="Welkom, Nina Nieuwkomer")).to_be_visible()


def admit(page: Page, base_url: str, name: str) -> None:
    """The beheerder logs in with a password, admits the person, and logs out."""
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill("beheer@dorpsveen.example")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.goto(f"{base_url}/gebruikers")
    page.get_by_role("link", name=name).click()
    page.get_by_role("button", name="Toelaten").click()
    page.get_by_role("button", name="Uitloggen").click()
