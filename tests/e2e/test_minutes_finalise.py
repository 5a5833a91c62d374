"""Vaststellen of a long verslag in a real browser: while the PDF renders the button shows that
it is busy and a second click sends nothing, so there is exactly one vastgestelde version."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Request, expect
from sqlmodel import Session, create_engine, select

from app.minutes.models import MinutesVersion
from tests.benchmarks.bench_minutes import seed
from tests.conftest import run_cli
from tests.e2e.conftest import serving, watched_page
from tests.factories import PASSWORD
from tests.pg import free_port


@dataclass(frozen=True)
class FinishedMeeting:
    base_url: str
    database_url: str
    chair_email: str
    meeting_id: int
    minutes_path: str


@pytest.fixture(scope="module")
def finished_meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FinishedMeeting]:
    """A server over a finished, complete meeting of 30 casussen: its PDF takes seconds."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('vaststellen') / 'casustafel.db'}"
    assert run_cli(database_url, "db", "upgrade").returncode == 0
    engine = create_engine(database_url)
    with Session(engine) as session:
        access, meeting, _ = seed(session)
        chair_email, series_id, meeting_id = access.user.email, meeting.series_id, meeting.id
    engine.dispose()
    with serving(database_url, free_port()) as base_url:
        yield FinishedMeeting(
            base_url,
            database_url,
            chair_email,
            meeting_id,
            f"/overleggen/{series_id}/bijeenkomsten/{meeting_id}/verslag",
        )


def versions_of(meeting: FinishedMeeting) -> int:
    engine = create_engine(meeting.database_url)
    with Session(engine) as session:
        found = session.exec(
            select(MinutesVersion).where(MinutesVersion.meeting_id == meeting.meeting_id)
        ).all()
    engine.dispose()
    return len(found)


def test_a_double_click_on_vaststellen_shows_progress_and_stores_one_version(
    browser_context: BrowserContext, finished_meeting: FinishedMeeting
) -> None:
    watched = watched_page(browser_context)
    page = watched.page
    page.goto(f"{finished_meeting.base_url}/")
    page.get_by_label("E-mailadres").fill(finished_meeting.chair_email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{finished_meeting.base_url}{finished_meeting.minutes_path}")
    posts: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/vaststellen"):
            posts.append(request.url)

    page.on("request", on_request)
    button = page.get_by_role("button", name="Verslag vaststellen")

    button.dblclick()

    expect(page.get_by_role("status").filter(has_text="wordt vastgesteld")).to_be_visible()
    expect(button).to_be_disabled()
    casus = page.get_by_role("heading", name="30. IO-2026-030 Casus 30")
    casus.scroll_into_view_if_needed()  # the page stays usable while the PDF renders
    expect(casus).to_be_in_viewport()
    expect(page.get_by_role("table", name="Vastgestelde versies")).to_contain_text(
        "geldig", timeout=60_000
    )
    expect(page.locator("#meldingen")).to_contain_text("Verslag vastgesteld")
    assert len(posts) == 1
    assert versions_of(finished_meeting) == 1
    assert watched.csp_violations() == [] and watched.console_errors == []
