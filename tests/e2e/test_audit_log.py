"""The FG in the browser: filters the logging by casus reference and downloads that view as
CSV for Excel."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems

REFERENCE = re.compile(r"casus ([A-Z]+-\d{4}-\d{3}) \(")


def test_the_fg_filters_by_casus_reference_and_downloads_the_csv(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "fg@dorpsveen.example")
    page.get_by_role("link", name="Logging", exact=True).click()
    expect(page.get_by_role("heading", name="Logging", level=1)).to_be_visible()
    page.get_by_label("Handeling").select_option(label="Casus ingediend")
    page.get_by_role("button", name="Filteren").click()
    found = REFERENCE.search(page.get_by_role("table").inner_text())
    assert found, "geen ingediende casus in de logging"
    reference = found.group(1)

    page.get_by_role("link", name="Alle filters wissen").click()
    page.get_by_label("Casusreferentie").fill(reference.lower())
    page.get_by_role("button", name="Filteren").click()

    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_contain_text(f"casus {reference}")
    shown = rows.all_inner_texts()
    assert all(f"casus {reference} (" in row for row in shown)
    expect(page.get_by_label("Casusreferentie")).to_have_value(reference.lower())
    assert serious_accessibility_problems(page) == []

    with page.expect_download() as arrived:
        page.get_by_role("link", name="Download deze selectie als CSV").click()
    assert arrived.value.suggested_filename.endswith(".csv")
    content = Path(arrived.value.path()).read_bytes()
    header, *exported = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    assert content.startswith(b"\xef\xbb\xbf") and header[0] == "Tijdstip"
    assert len(exported) == len(shown)
    assert all(row[6].startswith(f"casus {reference} (") for row in exported)

    page.get_by_role("link", name="Alle filters wissen").click()
    page.get_by_label("Handeling").select_option(label="Logging geëxporteerd (CSV)")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("table").locator("tbody tr").first).to_contain_text("Fenna Gegevens")
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []
