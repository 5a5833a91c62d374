"""Attendees download the demo's final minutes in a real browser; the Woonstichting cannot."""

import io
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.demo import DEMO_SERIES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems


def open_meeting_with_status(page: Page, base_url: str, status: str) -> str:
    """Open the meeting page of the first meeting with this status; its path."""
    page.goto(f"{base_url}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.locator("tr", has_text=status).get_by_role("link").first.click()
    return page.url.removeprefix(base_url)


def download_minutes(page: Page, link_name: str) -> str:
    """Click a download link; the text of the PDF that arrives."""
    with page.expect_download() as arrived:
        page.get_by_role("link", name=link_name).first.click()
    content = Path(arrived.value.path()).read_bytes()
    assert arrived.value.suggested_filename.endswith(".pdf")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_an_attendee_reads_and_downloads_the_final_minutes(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "sociaalteam@dorpsveen.example")
    open_meeting_with_status(page, live_server, "verslag vastgesteld")

    page.get_by_role("link", name="Verslag (vastgesteld)").click()

    expect(page.get_by_role("heading", name="Verslag", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Vastgestelde versies")).to_contain_text("geldig")
    text = download_minutes(page, "Versie 1 downloaden (PDF)")
    assert "Gedownload door Sanne Sociaal" in text
    assert "IO-2026-002" in text and "Vertrouwelijk" in text
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []


def test_the_uncovered_woonstichting_gets_no_minutes(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "woningcorporatie@wonen.example")
    path = open_meeting_with_status(page, live_server, "verslag vastgesteld")

    expect(page.get_by_role("link", name="Verslag (vastgesteld)")).to_have_count(0)
    page.goto(f"{live_server}{path}/verslag")
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
