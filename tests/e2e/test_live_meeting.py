"""The chair runs the demo meeting in a real browser, from attendance to finish, and then
finalises its minutes for the attendees."""

import re

from playwright.sync_api import Locator, Page, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems
from tests.e2e.test_minutes import download_minutes, open_meeting_with_status

PRESENT = ["Victor Voorzitter", "Bea Beheer", "Wim Wijkagent", "Sanne Sociaal", "Wouter Wonen"]
POLICE = "Politie, basisteam Dorpsveen"


def tab_to(page: Page, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element has focus, as a keyboard user does."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{element_id} is met de Tab-toets niet bereikbaar")


def confirm_the_day_if_asked(page: Page) -> bool:
    """The demo's next meeting is on a Tuesday: on any other day starting it asks first, and the
    chair confirms by keyboard beside the question (the confidentiality box stays ticked)."""
    if page.locator("#confirm_other_day").count() == 0:
        return False
    expect(page.locator("#confidentiality_read")).to_be_checked()
    tab_to(page, "confirm_other_day")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return True


def item(page: Page, pseudonym: str) -> Locator:
    """The item with this casus, brought into view through the navigator."""
    page.locator("#punt-nav").get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    section = page.locator("section.casustafel-live-item:not([hidden])")
    expect(section.locator("h2")).to_contain_text(pseudonym)
    return section


def complete(
    page: Page,
    pseudonym: str,
    step: str = "terug op de volgende bijeenkomst",
    owner: str | None = POLICE,
    body: str | None = None,
) -> None:
    """Owner (if any), next step and informering for one casus."""
    section = item(page, pseudonym)
    if owner:
        section.get_by_label("Casus-eigenaar").select_option(label=owner)
        section.get_by_role("button", name="Eigenaar vastleggen").click()
        expect(section.get_by_text(f"Casus-eigenaar: {owner}")).to_be_visible()
    section.get_by_label("Vervolg", exact=True).select_option(step)
    if body:
        section.get_by_label("Opschalen naar").select_option(body)
    section.get_by_label("Informering van de inwoner").select_option("wordt geïnformeerd")
    section.get_by_role("button", name="Vervolg en informering opslaan").click()
    expect(page.locator("#punt-nav [aria-current]")).to_contain_text("compleet")


def test_the_chair_runs_the_demo_meeting_end_to_end(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "voorzitter@dorpsveen.example")
    page.goto(f"{live_server}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.locator("a[href*='/bijeenkomsten/']").first.click()
    page.get_by_role("link", name="Bijeenkomst leiden").click()

    # Started by keyboard alone: Tab to the confidentiality box, Space, Tab, Enter (and the
    # same for the day, when asked).
    tab_to(page, "confidentiality_read")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Bijeenkomst starten"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    confirm_the_day_if_asked(page)
    expect(page.get_by_role("heading", name="Bijeenkomst: bezig")).to_be_visible()
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))

    attendance = page.locator("#aanwezigheid")
    for name in PRESENT:
        attendance.get_by_role("row", name=re.compile(name)).get_by_label(
            "aanwezig", exact=True
        ).check()
    attendance.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page.locator("#aanwezigheid")).to_contain_text("Niet gedekt aanwezig: Wouter Wonen")

    kees = item(page, "Man met overlast")
    expect(kees).to_contain_text("Anoniem besproken")
    expect(kees).not_to_contain_text("Kees Wildeboer")
    kees.get_by_role("button", name="Wouter Wonen verlaat de ruimte bij dit punt").click()
    expect(kees).to_contain_text("Kees Wildeboer")
    expect(item(page, "Jonge vrouw, opnieuw zorgen")).to_contain_text("Anoniem besproken")
    assert serious_accessibility_problems(page) == []

    page.get_by_role("button", name="Bijeenkomst afronden").click()
    expect(page.get_by_role("alert").filter(has_text="Nog niet compleet")).to_contain_text(
        "Man met overlast"
    )

    for pseudonym, person in (
        ("Man met overlast", "Wim Wijkagent"),
        ("Moeder en dochter", "Sanne Sociaal"),
    ):
        section = item(page, pseudonym)
        section.get_by_label("Wat", exact=True).fill(f"Actie voor {person}")
        section.get_by_label("Wie (organisatie)").select_option(
            label=POLICE if person == "Wim Wijkagent" else "Sociaal team Dorpsveen"
        )
        section.get_by_role("button", name="Actie toevoegen").click()
        expect(section.locator("[id^=acties-lijst-]")).to_contain_text(f"Actie voor {person}")
        expect(section.get_by_label("Wat", exact=True)).to_be_focused()
    complete(page, "Man met overlast")
    complete(page, "Moeder en dochter", owner="Sociaal team Dorpsveen")
    complete(
        page, "Man met schulden", step="opschalen", owner=None, body="Zorg- en Veiligheidshuis"
    )
    for pseudonym in (
        "Jonge vrouw, opnieuw zorgen",
        "Oudere huurder",
        "Jongere, winkeldiefstallen",
    ):
        complete(page, pseudonym)
    if (
        page.locator("#punt-nav")
        .get_by_role("link", name=re.compile("Gezin met schooluitval"))
        .count()
    ):
        complete(page, "Gezin met schooluitval", owner="Sociaal team Dorpsveen")
    assert loads == []  # everything above happened in place

    page.get_by_role("button", name="Bijeenkomst afronden").click()

    expect(page.get_by_role("heading", name="Bijeenkomst: afgerond")).to_be_visible()
    assert browser_page.csp_violations() == []


def test_the_chair_finalises_the_minutes_of_that_meeting_for_the_attendees(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "voorzitter@dorpsveen.example")
    path = open_meeting_with_status(page, live_server, "afgerond")
    page.get_by_role("link", name="Verslag (concept)").click()
    assert "CONCEPT" in download_minutes(page, "Concept downloaden (PDF)")

    page.get_by_role("button", name="Verslag vaststellen").click()

    expect(page.get_by_role("table", name="Vastgestelde versies")).to_contain_text("geldig")
    for email, name in (
        ("wijkagent@politie.example", "Wim Wijkagent"),
        ("beheer@dorpsveen.example", "Bea Beheer"),
    ):
        page.context.clear_cookies()
        log_in(page, live_server, email)
        page.goto(f"{live_server}{path}")
        page.get_by_role("link", name="Verslag (vastgesteld)").click()
        text = download_minutes(page, "Versie 1 downloaden (PDF)")
        assert f"Gedownload door {name}" in text and "Actie voor Wim Wijkagent" in text
    page.context.clear_cookies()
    log_in(page, live_server, "woningcorporatie@wonen.example")
    page.goto(f"{live_server}{path}/verslag")
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
