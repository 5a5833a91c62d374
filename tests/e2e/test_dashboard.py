"""The beheerder opens the Beleidsinformatie in a real browser: charts drawn without breaking
the strict CSP, axe finds nothing serious, a filter is applied and a table downloads as CSV for
Excel; a chair reaches the figures of their overleg from the overleg's page."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from app.db import today
from app.statistics.filters import month_value
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems


def test_the_beheerder_reads_the_dashboard_and_downloads_a_table(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")
    page.get_by_role("link", name="Beleidsinformatie").click()
    expect(page.get_by_role("heading", name="Beleidsinformatie", level=1)).to_be_visible()
    expect(page.get_by_text("Aantallen onder de 5 tonen we als ‘< 5’")).to_be_visible()
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["height"] > 20  # type: ignore[index]
    assert page.locator("section table").count() >= charts.count()
    assert serious_accessibility_problems(page) == []

    this_month = month_value(today())
    page.get_by_label("Van maand").fill(this_month)
    page.get_by_label("Overleg").select_option(label="Integraal overleg Dorpsveen")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_label("Van maand")).to_have_value(this_month)
    expect(page.get_by_text("· Integraal overleg Dorpsveen")).to_be_visible()

    first_table = page.locator("section.casustafel-figure").first
    shown_rows = first_table.locator("tbody tr").count()
    with page.expect_download() as arrived:
        first_table.get_by_role("link", name="als CSV").click()
    assert arrived.value.suggested_filename.endswith(f"-tot-en-met-{this_month}.csv")
    content = Path(arrived.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    _header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    assert len(rows) == shown_rows or (rows == [] and shown_rows == 1)
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_a_chair_opens_the_figures_of_their_overleg_from_its_page(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "voorzitter@dorpsveen.example")
    page.get_by_role("link", name="Overleggen").click()
    page.get_by_role("link", name="Integraal overleg Dorpsveen").first.click()
    page.get_by_role("link", name="Beleidsinformatie").click()
    expect(page.get_by_role("heading", name="Beleidsinformatie", level=1)).to_be_visible()
    expect(page.get_by_label("Overleg")).to_have_value(page.url.split("overleg=")[1])
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []
