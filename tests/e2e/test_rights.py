"""The FG answers an inzageverzoek in a real browser: register it, find the person, review the
concept, leave a part out, make it final, download it."""

import io
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.demo_cases import KEES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems

KEES_DECISION = "Politie legt huisbezoek af"


def download_text(page: Page, link_name: str) -> str:
    with page.expect_download() as arrived:
        page.get_by_role("link", name=link_name).click()
    assert arrived.value.suggested_filename.endswith(".pdf")
    content = Path(arrived.value.path()).read_bytes()
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_the_fg_answers_an_inzageverzoek(browser_page: BrowserPage, live_server: str) -> None:
    page = browser_page.page
    log_in(page, live_server, "fg@dorpsveen.example")
    page.get_by_role("link", name="AVG-verzoeken").click()
    page.get_by_role("link", name="Verzoek registreren").click()
    page.get_by_label("Soort verzoek").select_option("inzage")
    page.get_by_label("Hoe is de identiteit").fill("Paspoort getoond aan de balie")
    page.get_by_role("button", name="Registreren").click()
    expect(page.locator("#meldingen")).to_contain_text("geregistreerd")

    page.get_by_label("BSN").fill(KEES.bsn or "")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("table", name="Casussen over deze persoon")).to_contain_text(
        "Man met overlast, 60+"
    )
    concept = download_text(page, "Concept downloaden (PDF)")
    part = page.get_by_label("Onderdeel")
    part.select_option(label=part.locator("option", has_text=KEES_DECISION).inner_text())
    page.get_by_label("Reden van het weglaten").fill("Politiegegevens (Wpg)")
    page.get_by_role("button", name="Onderdeel weglaten").click()
    expect(page.locator("#meldingen")).to_contain_text("weggelaten")
    page.get_by_role("button", name="Inzage-overzicht definitief maken").click()
    expect(page.locator("#meldingen")).to_contain_text("definitief")
    final = download_text(page, "Definitief inzage-overzicht downloaden (PDF)")

    assert "CONCEPT" in concept and KEES_DECISION in concept
    assert KEES.name in final and "Weggelaten. Reden: Politiegegevens (Wpg)" in final
    assert KEES_DECISION not in final and "CONCEPT" not in final
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []
