"""Every page the browser tests above saw (this file is named to run after them): valid HTML by
the Nu HTML Checker, all in one run, and no serious or critical problem by axe, shown as the user
saw it on a phone (390 px) and on a laptop (1280 px), with nothing wider than the screen."""

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VisitedPage, VisitedPages
from tests.e2e.test_login import serious_accessibility_problems

VNU_JAR = Path(__file__).parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
JAVA = shutil.which("java") or "/usr/bin/java"
CHECKER = [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always"]
PHONE, LAPTOP = 390, 1280
NOTHING_SEEN = "geen pagina's vastgelegd: draai dit bestand samen met de andere browsertests"
# Headers that described the bytes on the wire, not the page.
WIRE_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "set-cookie"}
# The innermost elements that reach past the right edge of the screen (so the page scrolls
# sideways), unless they sit in a region that scrolls on its own.
STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth + 1;
  if (document.documentElement.scrollWidth <= edge) return [];
  const outside = (el) => el.getBoundingClientRect().right > edge;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) if (scrolls(up)) return true;
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + el.classList[0] : '');
  return [...document.body.querySelectorAll('*')]
    .filter((el) => outside(el) && !inScroller(el) && ![...el.children].some(outside))
    .slice(0, 5)
    .map((el) => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def where(page: VisitedPage) -> str:
    parts = urlsplit(page.url)
    return f"{parts.path}{'?' + parts.query if parts.query else ''} ({page.status})"


def nu_html_checker_errors(pages: list[VisitedPage], folder: Path) -> list[str]:
    """Run vnu.jar once over all pages; each error with its page, line and the markup."""
    assert VNU_JAR.exists(), "vnu.jar ontbreekt: `make test` installeert het (npm ci)"
    files = {}
    for number, page in enumerate(pages):
        path = folder / f"pagina-{number:04d}.html"
        path.write_text(page.body, encoding="utf-8")
        files[path.name] = page
    checked = subprocess.run(
        [*CHECKER, *(str(folder / name) for name in files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [
        f"{where(files[message['url'].rsplit('/', 1)[-1]])} regel {message.get('lastLine', '?')}: "
        f"{message['message']} [{' '.join(message.get('extract', '').split())}]"
        for message in json.loads(checked.stderr)["messages"]
    ]


@pytest.fixture
def replay_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()


class Replay:
    """Shows a recorded page again at its own address on the live server: the document as it
    arrived, the stylesheets and scripts from /static/, and no other request (nothing changes)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.showing: VisitedPage | None = None
        page.route("**/*", self._answer)

    def _answer(self, route: Route) -> None:
        request = route.request
        if self.showing and request.is_navigation_request():
            headers = {
                name: value
                for name, value in self.showing.headers.items()
                if name.lower() not in WIRE_HEADERS
            }
            route.fulfill(status=self.showing.status, headers=headers, body=self.showing.body)
        elif urlsplit(request.url).path.startswith("/static/"):
            route.fallback()
        else:
            route.abort()

    def show(self, visited: VisitedPage, width: int) -> None:
        """Load the page at this width, as a user would open it there."""
        parts = urlsplit(visited.url)
        self.showing = visited
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.goto(f"{self.base_url}{parts.path}{'?' + parts.query if parts.query else ''}")
        self.settle()

    def resize(self, width: int) -> None:
        """Turn the window to this width, as a user turning a tablet."""
        self.page.set_viewport_size({"width": width, "height": 900})
        self.settle()

    def settle(self) -> None:
        """Wait two frames: what the page's scripts measure after a layout (page.js) is done."""
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def wider_than_the_screen(self) -> list[str]:
        """What sticks out past the right edge of the screen, outside a region that scrolls."""
        return self.page.evaluate(STICKING_OUT)


def test_every_visited_page_passes_the_nu_html_checker(
    visited_pages: VisitedPages, tmp_path: Path
) -> None:
    assert len(visited_pages), NOTHING_SEEN
    errors = nu_html_checker_errors(list(visited_pages), tmp_path)
    assert errors == [], "\n".join(errors)


def same_layout(page: VisitedPage) -> tuple[str, int, str]:
    """Pages at one address whose markup differs only in its words (a date, a status, a name) are
    one layout: one of them is replayed."""
    return (urlsplit(page.url).path, page.status, re.sub(r">[^<]+<", ">…<", page.body))


def problems_at(replay: Replay, width: int) -> list[str]:
    """axe's serious problems on the page as shown now, and what sticks out past the screen."""
    return [
        f"op {width} px: {problem}" for problem in serious_accessibility_problems(replay.page)
    ] + [f"op {width} px breder dan het scherm: {what}" for what in replay.wider_than_the_screen()]


def test_every_visited_page_is_accessible_on_a_phone_and_on_a_laptop(
    visited_pages: VisitedPages, replay_browser: Browser, live_server: str
) -> None:
    assert len(visited_pages), NOTHING_SEEN
    layouts = {same_layout(visited): visited for visited in visited_pages}
    context = replay_browser.new_context(locale="nl-NL")
    replay = Replay(context.new_page(), live_server)
    problems: list[str] = []
    for visited in layouts.values():
        replay.show(visited, PHONE)
        found = problems_at(replay, PHONE)
        replay.resize(LAPTOP)
        found += problems_at(replay, LAPTOP)
        problems += [f"{where(visited)} {problem}" for problem in found]
    context.close()
    assert problems == [], "\n".join(problems)
