"""Contact cards in Chromium: a partner fills in their card on Mijn account, the chair finds it
on De tafel; both pages are axe clean and keep to the strict CSP."""

import re

from playwright.sync_api import expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems

PARTNER = "woningcorporatie@wonen.example"
CHAIR = "voorzitter@dorpsveen.example"
# The refused card answers 422, which the browser reports in its console: expected, once.
REFUSED = re.compile(r"Failed to load resource: .* status of 422")


def test_a_partner_fills_in_their_card_and_the_chair_sees_it_on_de_tafel(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, PARTNER)
    page.get_by_role("link", name="Mijn account").click()
    page.get_by_label("Functie").fill("Woonconsulent wijk Noord")
    page.get_by_label("Telefoonnummer (werk)").fill("12345")
    page.get_by_label("Bereikbaarheid").fill("di–vr 9:00–16:30, spoed via de storingslijn")
    page.get_by_role("button", name="Contactkaart opslaan").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Vul een geldig telefoonnummer in")
    expect(page.get_by_label("Functie")).to_have_value("Woonconsulent wijk Noord")
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Telefoonnummer (werk)").fill("+49 30 23125099")
    page.get_by_role("button", name="Contactkaart opslaan").click()
    expect(page.locator("#meldingen")).to_contain_text("Uw contactkaart is opgeslagen.")
    expect(page.get_by_label("Telefoonnummer (werk)")).to_have_value("+49 30 23125099")
    assert serious_accessibility_problems(page) == []
    page.get_by_role("button", name="Uitloggen").click()

    log_in(page, live_server, CHAIR)
    page.get_by_role("link", name="Overleggen", exact=True).click()
    page.get_by_role("link", name=DEMO_SERIES).first.click()
    page.get_by_role("link", name="De tafel: wie zit er aan tafel").click()

    expect(page.get_by_role("heading", name="De tafel", exact=True)).to_be_visible()
    card = page.locator("li.casustafel-contact", has_text="Wouter Wonen")
    expect(card).to_contain_text("Woonconsulent wijk Noord")
    expect(card).to_contain_text("di–vr 9:00–16:30, spoed via de storingslijn")
    expect(card.get_by_role("link", name="+49 30 23125099")).to_have_attribute(
        "href", "tel:+493023125099"
    )
    bea = page.locator("li.casustafel-contact", has_text="Bea Beheer")
    expect(bea).to_contain_text("Vervanger: Victor Voorzitter")
    assert serious_accessibility_problems(page) == []
    other_errors = [e for e in browser_page.console_errors if not REFUSED.search(e)]
    assert len(browser_page.console_errors) == 1 and other_errors == []
    assert browser_page.csp_violations() == []
