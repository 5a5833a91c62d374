"""Mijn sessies in real browsers: logged in twice as the same person, the first browser sees both
sessions and logs out elsewhere; the second is then sent to the login page."""

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_live_autosave import (
    AppServer,
    app_server,
    chromium,
    open_page,
    seeded_database,
)
from tests.e2e.test_login import log_in

__all__ = ["app_server", "chromium", "open_page", "seeded_database"]

POLICE = "wijkagent@politie.example"


def test_logging_out_elsewhere_sends_the_other_browser_to_the_login_page(
    app_server: AppServer, open_page: Callable[[], BrowserPage]
) -> None:
    base_url = app_server.base_url
    first, second = open_page(), open_page()
    for watched in (first, second):
        log_in(watched.page, base_url, POLICE)
        expect(watched.page.get_by_role("heading", name="Welkom")).to_be_visible()
    page = first.page

    page.get_by_role("link", name="Mijn account").click()
    page.get_by_role("link", name="Mijn sessies").click()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="deze sessie")).to_have_count(1)
    expect(rows.first).to_contain_text("Chrome op Linux")
    page.get_by_role("button", name="Elders uitloggen").click()

    expect(page.locator("#meldingen")).to_contain_text("U bent op 1 ander apparaat uitgelogd.")
    expect(rows).to_have_count(1)
    second.page.get_by_role("link", name="Overleggen", exact=True).click()
    expect(second.page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert first.console_errors == [] and second.console_errors == []
    assert first.csp_violations() == [] and second.csp_violations() == []
