"""The demo covenant in the browser: the Woonstichting shows as not covered, everywhere."""

from playwright.sync_api import expect

from app.demo import DEMO_COVENANT
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems


def test_beheerder_sees_the_woonstichting_is_not_covered(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")

    warning = page.get_by_role("status").filter(has_text="Woonstichting Dorpsveen is niet gedekt")
    expect(warning).to_be_visible()
    assert serious_accessibility_problems(page) == []

    page.get_by_role("link", name="Convenanten", exact=True).click()
    page.get_by_role("link", name=DEMO_COVENANT).click()
    expect(page.get_by_role("heading", name=DEMO_COVENANT, level=1)).to_be_visible()
    for partner in ("Gemeente Dorpsveen", "Politie, basisteam Dorpsveen", "Sociaal team Dorpsveen"):
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=partner))
        expect(row).to_contain_text("Ondertekend")
    housing = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Woonstichting Dorpsveen")
    )
    expect(housing).to_contain_text("Ontbreekt")
    assert serious_accessibility_problems(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF downloaden").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"{live_server}/geheimhoudingsverklaring")
    expect(page.get_by_role("heading", name="Versie 1 (huidig)", exact=False)).to_be_visible()
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_a_partner_reads_the_covenant_status_of_the_woonstichting(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "woningcorporatie@wonen.example")

    page.get_by_role("link", name="Convenanten", exact=True).click()
    page.get_by_role("link", name=DEMO_COVENANT).click()

    housing = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Woonstichting Dorpsveen")
    )
    expect(housing).to_contain_text("Ontbreekt")
    expect(page.get_by_role("link", name="Ondertekening vastleggen")).to_have_count(0)
