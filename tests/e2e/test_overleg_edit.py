"""The beheerder changes who sits at the table of the demo overleg in a real browser: a new
organisation and its deelnemer join (the people refresh in place as the organisation is ticked)
and see the overleg; taken off the table again, that person gets a 404 at once. Without
JavaScript, a button brings the people of the ticked organisations."""

from pathlib import Path

from playwright.sync_api import Page, Playwright, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, BrowserPage
from tests.e2e.test_invitations import accept_invitation
from tests.e2e.test_login import log_in, serious_accessibility_problems

YOUTH_WORK = "Straathoekwerk Dorpsveen"
NEWCOMER = "Joost Straathoekwerker"
NEWCOMER_EMAIL = "straathoekwerk@dorpsveen.example"
NEWCOMER_PASSWORD = "Straatwerk-op-dinsdag-2026"


def add_organisation_and_deelnemer(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/organisaties/nieuw")
    page.get_by_label("Naam").fill(YOUTH_WORK)
    page.get_by_label("Soort organisatie").select_option(label="Jongerenwerk")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(f"Organisatie {YOUTH_WORK} toegevoegd.")).to_be_visible()
    page.goto(f"{base_url}/gebruikers/nieuw")
    page.get_by_label("Naam").fill(NEWCOMER)
    page.get_by_label("E-mailadres").fill(NEWCOMER_EMAIL)
    page.get_by_label("Organisatie").select_option(label=YOUTH_WORK)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(f"Account voor {NEWCOMER} aangemaakt.")).to_be_visible()


def open_edit_form(page: Page, base_url: str) -> str:
    """The demo overleg's edit form; the overleg's path."""
    page.goto(f"{base_url}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    path = page.url.removeprefix(base_url)
    page.get_by_role("link", name="Overleg wijzigen").click()
    expect(page.get_by_role("heading", name=f"Overleg wijzigen: {DEMO_SERIES}")).to_be_visible()
    return path


def log_in_as_newcomer(page: Page, base_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill(NEWCOMER_EMAIL)
    page.get_by_label("Wachtwoord").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name=f"Welkom, {NEWCOMER}")).to_be_visible()


def test_the_beheerder_seats_a_new_partner_who_then_sees_the_overleg_until_removed(
    browser_page: BrowserPage, live_server: str, live_database_url: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")
    add_organisation_and_deelnemer(page, live_server)
    open_edit_form(page, live_server)
    page.evaluate("window.__sameDocument = true")
    members = page.locator("#member_ids")

    page.get_by_role("checkbox", name=YOUTH_WORK).check()

    expect(members.get_by_role("group", name=YOUTH_WORK)).to_contain_text(NEWCOMER)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("#aan-tafel")).not_to_contain_text("Fenna Gegevens")
    assert serious_accessibility_problems(page) == []
    members.get_by_label(NEWCOMER).check()
    page.get_by_role("button", name="Wijzigingen opslaan").click()

    expect(page.get_by_text("Het nieuwe lid krijgt een uitnodiging.")).to_be_visible()
    expect(page.get_by_text(f"{NEWCOMER} ({YOUTH_WORK})")).to_be_visible()
    expect(page.get_by_text(f"{YOUTH_WORK} is vandaag niet gedekt")).to_be_visible()
    accept_invitation(page, live_database_url, NEWCOMER_EMAIL, NEWCOMER_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welkom, {NEWCOMER}")).to_be_visible()
    page.get_by_role("link", name="Overleggen").click()
    page.get_by_role("link", name=DEMO_SERIES).click()
    expect(page.get_by_role("heading", name=DEMO_SERIES)).to_be_visible()
    path = page.url.removeprefix(live_server)

    page.context.clear_cookies()
    log_in(page, live_server, "beheer@dorpsveen.example")
    open_edit_form(page, live_server)
    page.get_by_role("checkbox", name=YOUTH_WORK).uncheck()
    expect(page.locator("#aan-tafel")).not_to_contain_text(NEWCOMER)
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_text(f"Overleg {DEMO_SERIES} opgeslagen.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(NEWCOMER)
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []

    log_in_as_newcomer(page, live_server)
    page.goto(f"{live_server}{path}")
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()


def test_without_javascript_the_button_brings_the_people_and_keeps_what_was_typed(
    playwright: Playwright, live_server: str, tmp_path: Path
) -> None:
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "zonder-js"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        java_script_enabled=False,
    )
    page = context.pages[0]
    log_in(page, live_server, "beheer@dorpsveen.example")
    page.goto(f"{live_server}/overleggen/nieuw")
    page.get_by_label("Naam").fill("Casusoverleg Jeugd")
    expect(page.locator("#aan-tafel")).not_to_contain_text("Wouter Wonen")

    page.get_by_role("checkbox", name="Woonstichting Dorpsveen").check()
    page.get_by_role("button", name="Personen bijwerken").click()

    expect(page.locator("#member_ids").get_by_label("Wouter Wonen")).to_be_visible()
    expect(page.get_by_label("Naam")).to_have_value("Casusoverleg Jeugd")
    expect(page.get_by_role("checkbox", name="Woonstichting Dorpsveen")).to_be_checked()
    context.close()
