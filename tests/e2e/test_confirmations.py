"""Every kind of save confirms itself once, in the live region a screen reader announces."""

from playwright.sync_api import Page, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_cases import bring_anonymised
from tests.e2e.test_login import log_in

# A meeting later than those the other browser tests use (an index in the form's list).
CASE_MEETING = 11


def confirmed_once(page: Page, text: str) -> None:
    """The confirmation is in the live region now, and gone after a reload."""
    region = page.locator("#meldingen")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text(text)
    page.reload()
    expect(page.locator("#meldingen")).not_to_contain_text(text)


def test_the_beheerder_sees_each_save_confirmed_once(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")

    page.goto(f"{live_server}/organisaties/nieuw")
    page.get_by_label("Naam").fill("Jeugdbescherming Dorpsveen")
    page.get_by_label("Soort organisatie").select_option(index=1)
    page.get_by_role("button", name="Opslaan").click()
    confirmed_once(page, "Organisatie Jeugdbescherming Dorpsveen toegevoegd.")

    page.goto(f"{live_server}/gebruikers/nieuw")
    page.get_by_label("Naam").fill("Jolien Jeugd")
    page.get_by_label("E-mailadres").fill("jolien@jeugd.example")
    page.get_by_label("Organisatie").select_option(label="Jeugdbescherming Dorpsveen")
    page.get_by_role("button", name="Opslaan").click()
    confirmed_once(page, "Account voor Jolien Jeugd aangemaakt.")

    page.goto(f"{live_server}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.get_by_role("link", name="Overleg wijzigen").click()
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    confirmed_once(page, f"Overleg {DEMO_SERIES} opgeslagen.")
    assert browser_page.csp_violations() == []


def test_a_partner_sees_the_casus_confirmed_with_its_reference(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "sociaalteam@dorpsveen.example")

    bring_anonymised(page, live_server, "Jongere zonder dagbesteding", meeting=CASE_MEETING)

    reference = page.get_by_role("heading", level=1).inner_text().split()[0]
    confirmed_once(page, f"Casus {reference} ingediend.")
