"""Browser tests: the real server (uvicorn, demo data on SQLite) and Debian's headless Chromium."""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from tests.conftest import CLI, run_cli
from tests.pg import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Records every CSP violation in the page, whatever Chromium prints to the console.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


# Each page carries its session's CSRF token: pages that differ only in it are the same page.
CSRF_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


@dataclass(frozen=True)
class VisitedPage:
    """An HTML document the browser received, as it arrived (checked once all tests have run)."""

    url: str
    status: int
    headers: dict[str, str]
    body: str


class VisitedPages:
    """Every distinct HTML document the browser tests received, in the order of the first visit."""

    def __init__(self) -> None:
        self._pages: dict[tuple[str, int, str], VisitedPage] = {}
        self._others: set[str] = set()

    def __iter__(self) -> Iterator[VisitedPage]:
        return iter(self._pages.values())

    def __len__(self) -> int:
        return len(self._pages)

    def leave_out(self, origin: str) -> None:
        """Pages of another site the tests visit (a test identity provider) are not ours."""
        self._others.add(origin)

    def add(self, page: VisitedPage) -> None:
        if any(page.url.startswith(f"{origin}/") for origin in self._others):
            return
        token = CSRF_TOKEN.search(page.body)
        same_page = page.body.replace(token.group(1), "") if token and token.group(1) else page.body
        self._pages.setdefault((page.url, page.status, same_page), page)

    def record(self, context: BrowserContext) -> None:
        """Keep every HTML document (a page or a refusal, not a redirect) this context receives."""

        def on_response(response: Response) -> None:
            content_type = response.headers.get("content-type", "")
            if response.request.resource_type != "document" or "text/html" not in content_type:
                return
            if 300 <= response.status < 400:
                return
            try:
                body = response.text()
            except Error:  # the test navigated on before the body arrived
                return
            self.add(VisitedPage(response.url, response.status, response.headers, body))

        context.on("response", on_response)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database, migrated and seeded by `casustafel db upgrade` and
    `seed-demo`; tests read what the server cannot show, such as the outbox."""
    return demo_database(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def live_server(live_database_url: str) -> Iterator[str]:
    """uvicorn on a free port over the demo database, as `make run` does."""
    with serving(live_database_url, free_port()) as base_url:
        yield base_url


def demo_database(directory: Path) -> str:
    """A fresh SQLite database in the directory, migrated and seeded with the demo."""
    database_url = f"sqlite:///{directory / 'casustafel.db'}"
    for step in (["db", "upgrade"], ["seed-demo"]):
        assert run_cli(database_url, *step).returncode == 0
    return database_url


@contextmanager
def demo_server(
    directory: Path, port: int, env: dict[str, str] | None = None, host_name: str = "127.0.0.1"
) -> Iterator[str]:
    """The demo on a fresh SQLite database in the directory, served on the port with these
    extra settings; stopped afterwards."""
    with serving(demo_database(directory), port, env, host_name) as base_url:
        yield base_url


@contextmanager
def serving(
    database_url: str, port: int, env: dict[str, str] | None = None, host_name: str = "127.0.0.1"
) -> Iterator[str]:
    """uvicorn over the database on the port with these extra settings, as `make run` does,
    reached as http://<host_name>:<port> (its base URL, which mailed links use)."""
    base_url = f"http://{host_name}:{port}"
    server_env = os.environ | {
        "CASUSTAFEL_DATABASE_URL": database_url,
        "CASUSTAFEL_BACKGROUND_JOBS": "false",
        "CASUSTAFEL_BASE_URL": base_url,
        **(env or {}),
    }
    log = server_log(Path(database_url.removeprefix("sqlite:///")).parent, port).open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_serving(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def server_log(directory: Path, port: int) -> Path:
    """Where the server on the port over the SQLite database in the directory writes its
    output: its log."""
    return directory / f"server-{port}.log"


@pytest.fixture(scope="session")
def localhost_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo, apart, on http://localhost:<port> as its base URL: passkeys need a domain as
    relying party (browsers refuse 127.0.0.1), and localhost is one."""
    directory = tmp_path_factory.mktemp("e2e-localhost")
    with demo_server(directory, free_port(), host_name="localhost") as base_url:
        yield base_url


def _wait_until_serving(
    base_url: str, server: subprocess.Popen[bytes], seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("de server stopte bij het starten")
        try:
            if httpx.get(f"{base_url}/inloggen", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"de server startte niet binnen {seconds:.0f} seconden")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def visited_pages() -> VisitedPages:
    """What the browser tests saw, for the checks over every page (test_zz_every_page.py)."""
    return VisitedPages()


@pytest.fixture
def browser_context(
    playwright: Playwright, tmp_path: Path, visited_pages: VisitedPages
) -> Iterator[BrowserContext]:
    """A fresh Chromium with its own empty profile; the pages it receives are recorded."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profiel"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        locale="nl-NL",
    )
    context.add_init_script(CSP_LISTENER)
    visited_pages.record(context)
    yield context
    context.close()


@dataclass
class BrowserPage:
    """A page plus what went wrong in it: console errors and CSP violations."""

    page: Page
    console_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations || []")
        in_console = [text for text in self.console_errors if "Content Security Policy" in text]
        return [*reported, *in_console]


def watched_page(context: BrowserContext) -> BrowserPage:
    """The context's page, with its console errors and CSP violations recorded."""
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(10_000)
    watched = BrowserPage(page=page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    return watched


@pytest.fixture
def browser_page(browser_context: BrowserContext, live_server: str) -> BrowserPage:
    return watched_page(browser_context)
