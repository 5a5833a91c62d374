"""Autosave on the live meeting page in a real browser: an honest state beside each field,
text kept and saved again when the server was gone, and a conflict shown, never overwritten."""

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Request,
    Route,
    expect,
)

from app.static_files import static_url
from tests.conftest import run_cli
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, CSP_LISTENER, BrowserPage, VisitedPages
from tests.e2e.conftest import _wait_until_serving as wait_until_serving
from tests.e2e.test_live_meeting import confirm_the_day_if_asked
from tests.e2e.test_login import log_in
from tests.pg import free_port

CHAIR = "voorzitter@dorpsveen.example"
DISCUSSION = "Bespreking"
CONFIDENTIALITY = (
    "De geheimhoudingsverklaring is voorgelezen; wat hier besproken wordt, blijft aan tafel"
)
SAVED = re.compile(r"Opgeslagen om \d\d:\d\d")
NOT_SAVED = re.compile(
    r"Niet opgeslagen: geen verbinding met de server\. Uw tekst staat nog in het veld; "
    r"opnieuw proberen over \d+ s\."
)
# What Chromium and htmx print on the console for a failed save; nothing else may appear.
SERVER_DOWN = re.compile(r"net::ERR_CONNECTION_REFUSED|htmx: htmx:error: Failed to fetch")
SERVER_ERROR = re.compile(r"Failed to load resource: .* status of 500")
CONFLICT = re.compile(r"Failed to load resource: .* status of 409")  # any 4xx is reported
DAY_ASKED = re.compile(r"Failed to load resource: .* status of 422")
HTMX_SCRIPT = f'<script src="{static_url("vendor/htmx-4.0.1.min.js")}" defer></script>'
LIVE_SCRIPT = f'<script src="{static_url("js/live.js")}" defer></script>'
RETRY_TIMEOUT = 40_000  # back-off 2 + 4 + 8 + 16 s covers a slow restart of the server


@dataclass
class AppServer:
    """uvicorn on a fixed port and database, so it can be stopped and started again."""

    database_url: str
    port: int
    log: Path
    settings: dict[str, str] = field(default_factory=dict)  # CASUSTAFEL_* variables
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = os.environ | {
            "CASUSTAFEL_DATABASE_URL": self.database_url,
            "CASUSTAFEL_BACKGROUND_JOBS": "false",
            **self.settings,
        }
        # The app decides whom to believe (CASUSTAFEL_TRUSTED_PROXIES), not uvicorn.
        uvicorn = [sys.executable, "-m", "uvicorn", "--no-proxy-headers"]
        command = [*uvicorn, "app.main:create_app", "--factory"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_serving(self.base_url, self.process)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a paused server cannot act on SIGTERM
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """Freeze the server: connections are accepted, nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data, migrated and seeded once through the CLI; each test copies it."""
    path = tmp_path_factory.mktemp("live-autosave") / "template.db"
    for step in (["db", "upgrade"], ["seed-demo"]):
        result = run_cli(f"sqlite:///{path}", *step)
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def app_server(seeded_database: Path, tmp_path: Path) -> Iterator[AppServer]:
    """A server of this test's own (not the shared live_server): one test stops it."""
    database = tmp_path / "casustafel.db"
    shutil.copy(seeded_database, database)
    server = AppServer(f"sqlite:///{database}", free_port(), tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()


@pytest.fixture
def open_page(chromium: Browser, visited_pages: VisitedPages) -> Callable[[], BrowserPage]:
    """A page in a browser context of its own (own cookies: a separate login)."""

    def open_one() -> BrowserPage:
        context = chromium.new_context(locale="nl-NL")
        context.add_init_script(CSP_LISTENER)
        visited_pages.record(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watched = BrowserPage(page=page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watched.console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
        return watched

    return open_one


def open_live_page(page: Page, base_url: str) -> str:
    """As the chair: Overleggen, the demo overleg, its first meeting, Bijeenkomst leiden."""
    log_in(page, base_url, CHAIR)
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    page.get_by_role("link", name="Overleggen", exact=True).click()
    page.get_by_role("link", name="Integraal overleg Dorpsveen").click()
    page.locator("main a[href*='/bijeenkomsten/']").first.click()
    page.get_by_role("link", name="Bijeenkomst leiden").click()
    expect(page).to_have_url(re.compile(r"/bijeenkomsten/\d+/live$"))
    return page.url


def start_meeting(watched: BrowserPage, live_url: str) -> None:
    """Confidentiality read out, meeting started; the day confirmed when asked (the 422 of that
    question is left out of the console errors the tests look at)."""
    page = watched.page
    page.get_by_label(CONFIDENTIALITY).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Bijeenkomst starten").click()
    if confirm_the_day_if_asked(page):
        [asked] = [text for text in watched.console_errors if DAY_ASKED.search(text)]
        watched.console_errors.remove(asked)
    expect(page.get_by_role("heading", name="Bijeenkomst: bezig")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(live_url)))


def first_discussion(page: Page) -> tuple[Locator, Locator]:
    """The first 'Bespreking' field and the save state beside it (after its hint)."""
    expect(page.locator(f'script[src="{static_url("js/live.js")}"]')).to_have_count(1)
    field = page.get_by_label(DISCUSSION, exact=True).first
    status = page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}")
    return field, status


def warns_before_unload(page: Page) -> bool:
    """Whether leaving the page now would ask 'leave the page?' (our handler cancels it)."""
    return page.evaluate(
        "() => { const event = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(event); return event.defaultPrevented; }"
    )


def stored_text(page: Page, live_url: str) -> str:
    """The first discussion text as the server now renders it, in the page's own session."""
    html = page.request.get(live_url).text()
    match = re.search(r'<textarea[^>]*id="veld-[^"]*-discussion"[^>]*>([^<]*)', html)
    assert match, "geen bespreekveld op de live-pagina"
    return match.group(1)


def unexpected(console_errors: list[str], expected: re.Pattern[str]) -> list[str]:
    return [text for text in console_errors if not expected.search(text)]


def test_save_while_the_server_is_down_is_kept_and_stored_when_it_is_back(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, app_server.base_url)
    start_meeting(watched, live_url)
    field, status = first_discussion(page)

    field.fill("Eerste deel")
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    assert not warns_before_unload(page)

    app_server.stop()
    errors_before_outage = list(watched.console_errors)
    field.press("ControlOrMeta+End")
    field.press_sequentially(", tweede deel")
    field.blur()
    expect(status.locator(".casustafel-save-state--error")).to_have_text(NOT_SAVED)
    expect(field).to_have_value("Eerste deel, tweede deel")
    assert field.get_attribute("data-unsaved") == "true"
    assert warns_before_unload(page)

    app_server.start()
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(
        SAVED, timeout=RETRY_TIMEOUT
    )
    assert field.get_attribute("data-unsaved") is None
    assert not warns_before_unload(page)

    elsewhere = open_page()
    open_live_page(elsewhere.page, app_server.base_url)
    expect(first_discussion(elsewhere.page)[0]).to_have_value("Eerste deel, tweede deel")
    assert stored_text(page, live_url) == "Eerste deel, tweede deel"

    assert errors_before_outage == []
    outage_errors = watched.console_errors
    assert outage_errors, "de mislukte opslag zou een netwerkfout in de console geven"
    assert unexpected(outage_errors, SERVER_DOWN) == []
    assert watched.csp_violations() == []
    assert elsewhere.console_errors == []


def test_a_save_queued_behind_a_slow_one_is_pending_and_does_not_conflict_with_itself(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, app_server.base_url)
    start_meeting(watched, live_url)
    field, status = first_discussion(page)

    app_server.pause()
    field.fill("Eerste deel")
    field.blur()
    expect(status.locator(".casustafel-save-state--pending")).to_have_text("Bezig met opslaan…")
    assert warns_before_unload(page)
    field.press("ControlOrMeta+End")
    field.press_sequentially(" en meer")
    field.blur()  # queued by htmx behind the first save, which has not been answered
    app_server.resume()

    expect(field).not_to_have_attribute("data-unsaved", "true")  # both saves answered
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    assert status.locator(".casustafel-save-state--conflict").count() == 0
    assert stored_text(page, live_url) == "Eerste deel en meer"
    assert not warns_before_unload(page)
    assert watched.console_errors == []
    assert watched.csp_violations() == []


def test_a_conflicting_save_shows_the_other_text_and_overwrites_nothing_unseen(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    chair_a, chair_b = open_page(), open_page()
    live_url = open_live_page(chair_a.page, app_server.base_url)
    start_meeting(chair_a, live_url)
    open_live_page(chair_b.page, app_server.base_url)
    field_a, status_a = first_discussion(chair_a.page)
    field_b, status_b = first_discussion(chair_b.page)
    posts_b: list[Request] = []
    chair_b.page.on("request", lambda r: posts_b.append(r) if r.method == "POST" else None)

    field_a.fill("Versie A")
    field_a.blur()
    expect(status_a.locator(".casustafel-save-state--saved")).to_have_text(SAVED)

    field_b.fill("Versie B")  # saved by the debounce, based on the empty field B loaded
    expect(status_b.locator(".casustafel-save-state--conflict")).to_contain_text(
        "iemand anders heeft dit veld intussen gewijzigd"
    )
    expect(chair_b.page.get_by_label("Tekst van de ander")).to_have_text("Versie A")
    expect(field_b).to_have_value("Versie B")
    assert warns_before_unload(chair_b.page)

    # Leaving the field after the conflict must not quietly send the same text again.
    sent = len(posts_b)
    field_b.blur()
    chair_b.page.wait_for_timeout(500)
    assert len(posts_b) == sent
    assert stored_text(chair_a.page, live_url) == "Versie A"

    field_b.fill("Versie B, samen met Versie A")
    field_b.blur()
    expect(status_b.locator(".casustafel-save-state--saved")).to_have_text(SAVED)
    expect(chair_b.page.get_by_label("Tekst van de ander")).to_have_text(
        "Versie A"
    )  # kept to compare
    assert not warns_before_unload(chair_b.page)
    assert stored_text(chair_a.page, live_url) == "Versie B, samen met Versie A"

    assert chair_a.console_errors == []
    assert len(chair_b.console_errors) == 1
    assert unexpected(chair_b.console_errors, CONFLICT) == []
    for watched in (chair_a, chair_b):
        assert watched.csp_violations() == []


def test_an_error_page_from_the_server_is_not_shown_and_the_save_is_retried(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, app_server.base_url)
    start_meeting(watched, live_url)
    field, status = first_discussion(page)
    failures: list[str] = []

    def fail_once(route: Route) -> None:
        if failures:
            route.fallback()
            return
        failures.append(route.request.url)
        route.fulfill(status=500, content_type="text/html", body="<h1>Interne serverfout</h1>")

    page.route("**/tekst/discussion", fail_once)
    field.fill("Na een storing")
    field.blur()
    expect(status.locator(".casustafel-save-state--error")).to_have_text(NOT_SAVED)
    assert "Interne serverfout" not in status.inner_text()  # read now: the retry replaces it
    expect(status.locator(".casustafel-save-state--saved")).to_have_text(
        SAVED, timeout=RETRY_TIMEOUT
    )
    assert len(failures) == 1
    assert stored_text(page, live_url) == "Na een storing"
    assert watched.csp_violations() == []
    assert len(watched.console_errors) == 1
    assert unexpected(watched.console_errors, SERVER_ERROR) == []
