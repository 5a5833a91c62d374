"""The chair's session in a real browser: kept alive while the chair types, ended when the page
is left alone, and then nothing typed is lost: logged in again in another tab, the page saves it."""

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_live_autosave import (
    CHAIR,
    SAVED,
    AppServer,
    app_server,
    chromium,
    first_discussion,
    open_live_page,
    open_page,
    seeded_database,
    start_meeting,
    stored_text,
    unexpected,
    warns_before_unload,
)
from tests.pg import free_port

__all__ = ["app_server", "chromium", "open_page", "seeded_database"]

IDLE_MINUTES = 0.08  # 4.8 seconds: the heartbeat goes at most every 1.6 s
IDLE_SECONDS = IDLE_MINUTES * 60
KEY_DELAY_MS = 600  # below the autosave's 800 ms: while typing, only the heartbeat is sent
EXPIRED = "Uw sessie is verlopen; uw tekst staat nog hier."
RENEWED = "U bent weer ingelogd; uw tekst wordt opgeslagen."
FIELD_EXPIRED = "Niet opgeslagen: uw sessie is verlopen. Uw tekst staat nog in het veld."
# Chromium reports every 401 on the console: the heartbeat's and the token's while logged out.
ANSWERED_401 = re.compile(r"Failed to load resource: .* status of 401")


@pytest.fixture
def short_session_server(seeded_database: Path, tmp_path: Path) -> Iterator[AppServer]:
    """A server of this test's own whose sessions end after a few idle seconds."""
    database = tmp_path / "casustafel.db"
    shutil.copy(seeded_database, database)
    server = AppServer(
        f"sqlite:///{database}",
        free_port(),
        tmp_path / "server.log",
        settings={"CASUSTAFEL_SESSION_IDLE_MINUTES": str(IDLE_MINUTES)},
    )
    server.start()
    yield server
    server.stop()


def leave_alone(page: Page, seconds: float) -> None:
    """Touch nothing until the page has sent no request for this long (a heartbeat may still be
    due just after the last typing)."""
    last_request = [time.monotonic()]
    page.on("request", lambda _request: last_request.__setitem__(0, time.monotonic()))
    while time.monotonic() - last_request[0] < seconds:
        page.wait_for_timeout(250)


def test_typing_keeps_the_session_alive_and_after_it_ended_nothing_typed_is_lost(
    short_session_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, short_session_server.base_url)
    start_meeting(watched, live_url)
    field, status = first_discussion(page)
    heartbeats: list[str] = []
    page.on("request", lambda r: heartbeats.append(r.url) if "/sessie/actief" in r.url else None)

    field.press_sequentially("Buren bellen", delay=KEY_DELAY_MS)  # 7 s: longer than the limit
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    assert len(heartbeats) >= 2
    errors_while_alive = list(watched.console_errors)

    leave_alone(page, IDLE_SECONDS + 1)
    field.press("ControlOrMeta+End")
    field.press_sequentially(", twee keer")
    banner = page.get_by_role("alert").filter(has_text=EXPIRED)
    expect(banner).to_be_visible()
    expect(field).to_have_value("Buren bellen, twee keer")
    expect(field).to_have_attribute("data-unsaved", "true")
    assert page.url == live_url
    assert warns_before_unload(page)

    login_link = banner.get_by_role("link", name="Log in een nieuw tabblad opnieuw in")
    expect(login_link).to_have_attribute("rel", "noopener")
    with page.context.expect_page() as new_tab:
        login_link.click()
    login = new_tab.value
    login.get_by_label("E-mailadres").fill(CHAIR)
    login.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    login.get_by_role("button", name="Inloggen").click()
    expect(login.get_by_role("heading", name="Welkom")).to_be_visible()

    expect(page.get_by_role("status").filter(has_text=RENEWED)).to_be_visible()
    expect(banner).to_have_count(0)
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    expect(field).not_to_have_attribute("data-unsaved", "true")
    assert stored_text(page, live_url) == "Buren bellen, twee keer"
    assert not warns_before_unload(page)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0

    assert errors_while_alive == []
    assert watched.console_errors, "het verlopen zou een 401 in de console geven"
    assert unexpected(watched.console_errors, ANSWERED_401) == []
    assert watched.csp_violations() == []


def test_a_save_answered_session_expired_waits_for_the_session_and_is_then_sent_again(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, app_server.base_url)
    start_meeting(watched, live_url)
    field, status = first_discussion(page)
    refused: list[str] = []

    def expire_once(route: Route) -> None:
        if refused:
            route.fallback()
            return
        refused.append(route.request.url)
        route.fulfill(
            status=401,
            headers={"X-Casustafel-Session": "expired", "HX-Redirect": "/inloggen"},
            content_type="text/plain",
            body="Uw sessie is verlopen. Log opnieuw in.",
        )

    page.route("**/tekst/discussion", expire_once)
    field.fill("Na het verlopen")
    field.blur()
    expect(status.locator(".casustafel-save-state--error")).to_have_text(FIELD_EXPIRED)
    expect(page.get_by_role("alert").filter(has_text=EXPIRED)).to_be_visible()
    assert page.url == live_url  # the HX-Redirect to the login page was not followed

    # The session itself is still there: the page's next look finds it and sends the text again.
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    expect(page.get_by_role("status").filter(has_text=RENEWED)).to_be_visible()
    assert len(refused) == 1
    assert stored_text(page, live_url) == "Na het verlopen"
    assert len(watched.console_errors) == 1
    assert unexpected(watched.console_errors, ANSWERED_401) == []
    assert watched.csp_violations() == []


def test_typing_a_long_casus_keeps_the_session_alive_on_any_page(
    short_session_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, short_session_server.base_url)
    series_path = re.search(r"^.*?/overleggen/\d+", live_url).group(0)
    page.goto(f"{series_path}/casussen/nieuw")
    reason = page.get_by_label("Aanleiding: waarom brengt u deze casus in?")

    reason.press_sequentially("Buren bellen", delay=KEY_DELAY_MS)  # 7 s: longer than the limit

    assert page.request.get(f"{short_session_server.base_url}/sessie/token").status == 200
    expect(reason).to_have_value("Buren bellen")
    assert unexpected(watched.console_errors, ANSWERED_401) == []
