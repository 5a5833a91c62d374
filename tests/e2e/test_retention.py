"""The beheerder sees in a real browser what the purge removes soon, and keeps a casus longer
with a reason on its page."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.cases.models import Case, CaseStatus
from app.dates import short_date
from app.db import today
from app.retention.terms import after_months
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems


def closed_casus_due_in_ten_days(database_url: str) -> str:
    """The demo's closed casus of last year, moved back so that it goes in ten days."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        case = session.exec(select(Case).where(Case.status == CaseStatus.CLOSED)).first()
        case.closed_on = after_months(today() + timedelta(days=10), -24)
        case.kept_until = None
        session.add(case)
        session.commit()
        reference = case.reference
    engine.dispose()
    return reference


def test_a_beheerder_sees_what_goes_soon_and_keeps_a_casus_longer(
    browser_page: BrowserPage, live_server: str, live_database_url: str
) -> None:
    reference = closed_casus_due_in_ten_days(live_database_url)
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")

    page.get_by_role("link", name="Bewaartermijnen").click()
    expect(page.get_by_role("heading", name="Wat wordt binnenkort verwijderd")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(re.escape(reference)))
    expect(row).to_contain_text(short_date(today() + timedelta(days=10)))
    assert serious_accessibility_problems(page) == []
    row.get_by_role("link", name=re.compile("Bewaartermijn verlengen")).click()

    later = today() + timedelta(days=365)
    page.get_by_label("Bewaren tot").fill(later.isoformat())
    page.get_by_label("Reden", exact=True).fill("Lopende procedure bij de rechter.")
    page.get_by_role("button", name="Bewaartermijn verlengen").click()

    expect(
        page.get_by_text(f"Casus {reference} wordt bewaard tot {short_date(later)}.")
    ).to_be_visible()
    expect(
        page.locator("section", has=page.get_by_role("heading", name="Bewaartermijn"))
    ).to_contain_text("Lopende procedure bij de rechter.")
    page.get_by_role("link", name="Bewaartermijnen").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(reference)))).to_have_count(0)
    assert browser_page.csp_violations() == []
