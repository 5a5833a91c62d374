"""'Mijn acties' in a real browser: a partner reports one task done and sees it confirmed once and
kept in the history, and reports that another needs more time."""

import re
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from app.dates import short_date
from app.db import today
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems

DONE_CONFIRMATION = "Actie gereed gemeld. Dank voor de terugkoppeling."
REFUSED = re.compile(r"Failed to load resource: .* status of 422")


def card(page: Page, description: str) -> Locator:
    return page.locator("section.casustafel-card").filter(
        has=page.get_by_role("heading", name=description)
    )


def test_a_partner_reports_a_task_done_and_finds_it_in_the_history(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")
    page.get_by_role("link", name="Mijn acties").click()
    task = card(page, "Gesprek met school en ouders")
    expect(task.get_by_text("Voor u", exact=True)).to_be_visible()
    assert serious_accessibility_problems(page) == []

    task.get_by_label("Terugkoppeling").fill("Gesprek gevoerd; school houdt verzuim bij.")
    task.get_by_role("button", name="Gereed melden").click()

    expect(page.get_by_role("status")).to_have_text(DONE_CONFIRMATION)
    expect(page.get_by_role("heading", name="Gesprek met school en ouders")).to_have_count(0)
    page.reload()
    expect(page.get_by_text(DONE_CONFIRMATION)).to_have_count(0)
    page.get_by_role("link", name="Afgerond").click()
    done = card(page, "Gesprek met school en ouders")
    expect(done).to_contain_text(f"Gereed gemeld op {short_date(today())}")
    expect(done).to_contain_text("Terugkoppeling: Gesprek gevoerd; school houdt verzuim bij.")
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_a_partner_reports_that_an_overdue_task_needs_more_time(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")
    page.goto(f"{live_server}/acties")
    page.get_by_role("link", name="Te laat").click()
    task = card(page, "Huisbezoek afleggen en zorgen in kaart brengen")
    task.get_by_text("Niet gelukt of meer tijd nodig?").click()
    task.get_by_label("Meer tijd nodig").check()
    task.get_by_label("Reden").fill("Meneer was twee keer niet thuis.")
    task.get_by_label("Voorgestelde nieuwe datum").fill((today() - timedelta(days=1)).isoformat())
    task.get_by_role("button", name="Doorgeven aan de voorzitter").click()

    # Refused beside the date, with everything typed kept, at an address that loads again.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("De voorgestelde datum ligt in het verleden.")
    task = card(page, "Huisbezoek afleggen en zorgen in kaart brengen")
    expect(task.get_by_label("Reden")).to_have_value("Meneer was twee keer niet thuis.")
    expect(task.get_by_label("Meer tijd nodig")).to_be_checked()
    assert page.url == f"{live_server}/acties?weergave=te-laat"
    assert serious_accessibility_problems(page) == []

    proposed = today() + timedelta(days=14)
    task.get_by_label("Voorgestelde nieuwe datum").fill(proposed.isoformat())
    task.get_by_role("button", name="Doorgeven aan de voorzitter").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Doorgegeven: meer tijd nodig, voorgestelde datum {short_date(proposed)}."
    )
    expect(card(page, "Huisbezoek afleggen en zorgen in kaart brengen")).to_contain_text(
        "door: meer tijd nodig, voorgestelde datum"
    )
    assert page.goto(f"{live_server}/acties?weergave=te-laat").status == 200
    assert browser_page.csp_violations() == []
    [refused] = browser_page.console_errors  # the refused form came back with its 422
    assert REFUSED.search(refused)
