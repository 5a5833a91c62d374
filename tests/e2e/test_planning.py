"""The chair composes, reorders and freezes the agenda of the demo overleg in a real browser."""

from pathlib import Path

from playwright.sync_api import Page, Playwright, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, BrowserPage, VisitedPages
from tests.e2e.test_login import log_in, serious_accessibility_problems


def open_meeting(page: Page, base_url: str, index: int) -> None:
    page.goto(f"{base_url}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.locator("a[href*='/bijeenkomsten/']").nth(index).click()
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()


def agenda_titles(page: Page) -> list[str]:
    return page.locator("#agenda .casustafel-agenda__text strong").all_inner_texts()


ADDED = {"Opening en mededelingen", "Terugkoppeling acties", "Rondvraag"}


def added(page: Page) -> list[str]:
    """The items this test added, in agenda order (the demo casussen are on it too)."""
    return [title for title in agenda_titles(page) if title in ADDED]


def add_item(page: Page, title: str) -> None:
    page.get_by_label("Onderwerp").fill(title)
    page.get_by_role("button", name="Punt toevoegen").click()
    expect(page.locator("#agenda")).to_contain_text(title)


def test_the_chair_reorders_and_freezes_the_agenda_without_reloading(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "voorzitter@dorpsveen.example")
    open_meeting(page, live_server, 3)
    page.evaluate("window.__sameDocument = true")

    for title in ("Opening en mededelingen", "Terugkoppeling acties", "Rondvraag"):
        add_item(page, title)
    page.get_by_role("button", name="Omlaag: Opening en mededelingen").click()

    page.wait_for_function(
        "() => document.querySelector('#agenda').textContent.indexOf('Terugkoppeling acties')"
        " < document.querySelector('#agenda').textContent.indexOf('Opening en mededelingen')"
    )
    assert added(page) == ["Terugkoppeling acties", "Opening en mededelingen", "Rondvraag"]
    assert page.evaluate("window.__sameDocument") is True
    assert page.evaluate("document.activeElement.textContent").startswith("Omlaag")
    assert serious_accessibility_problems(page) == []

    page.get_by_role("button", name="Agenda vaststellen en leden informeren").click()

    expect(page.locator("#agenda-kop")).to_contain_text("vastgesteld")
    assert added(page) == ["Terugkoppeling acties", "Opening en mededelingen", "Rondvraag"]
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_reordering_also_works_without_javascript(
    playwright: Playwright, live_server: str, tmp_path: Path, visited_pages: VisitedPages
) -> None:
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "zonder-js"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        java_script_enabled=False,
    )
    visited_pages.record(context)
    page = context.pages[0]
    log_in(page, live_server, "voorzitter@dorpsveen.example")
    open_meeting(page, live_server, 4)

    for title in ("Eerste punt", "Tweede punt"):
        add_item(page, title)
    page.get_by_role("button", name="Omhoog: Tweede punt").click()

    titles = agenda_titles(page)
    assert titles.index("Tweede punt") < titles.index("Eerste punt")
    context.close()


def test_a_partner_sees_coverage_before_the_meeting(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "woningcorporatie@wonen.example")
    open_meeting(page, live_server, 5)

    expect(
        page.get_by_text("U bent voor deze bijeenkomst niet gedekt door het convenant")
    ).to_be_visible()
    page.get_by_label("Ja, ik kom").check()
    page.get_by_role("button", name="Antwoord opslaan").click()

    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Wouter Wonen"))
    expect(row).to_contain_text("Niet gedekt: niet ondertekend")
    expect(page.get_by_text("U heeft geantwoord: ja.")).to_be_visible()
    assert serious_accessibility_problems(page) == []
