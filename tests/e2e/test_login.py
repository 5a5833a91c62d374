"""Each demo user logs in with a real browser and sees the Dutch start page, safely."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.conftest import BrowserPage

SERIOUS = {"serious", "critical"}
PAGES_PER_ROLE = {
    "beheer@dorpsveen.example": [
        "/organisaties",
        "/organisaties/nieuw",
        "/gebruikers",
        "/gebruikers/nieuw",
    ],
    "fg@dorpsveen.example": ["/logging"],
}


def serious_accessibility_problems(page: Page) -> list[str]:
    """axe's serious and critical violations, each with where it is on the page."""
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({where})"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
        for where in [", ".join(str(node["target"]) for node in violation["nodes"][:5])]
    ]


def log_in(page: Page, base_url: str, email: str) -> None:
    """Log in through the form as a demo user."""
    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize(("email", "name"), [(email, name) for email, name, *_ in DEMO_USERS])
def test_demo_user_logs_in_and_sees_the_dutch_start_page(
    browser_page: BrowserPage, live_server: str, email: str, name: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, email)

    expect(page.get_by_role("heading", name=f"Welkom, {name}")).to_be_visible()
    expect(page).to_have_title("Start · Casustafel")
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.evaluate("window.htmx && window.htmx.version") == "4.0.1"
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert serious_accessibility_problems(page) == []
    for path in PAGES_PER_ROLE.get(email, []):
        page.goto(f"{live_server}{path}")
        assert serious_accessibility_problems(page) == [], path

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_login_page_is_accessible_and_says_what_went_wrong(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    page.goto(f"{live_server}/inloggen")
    assert serious_accessibility_problems(page) == []

    page.get_by_label("E-mailadres").fill("wijkagent@politie.example")
    page.get_by_role("button", name="Inloggen").click()

    password = page.get_by_label("Wachtwoord")
    expect(page.locator("#password-error")).to_have_text("Vul uw wachtwoord in.")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Vul uw wachtwoord in.")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mailadres")).to_have_value("wijkagent@politie.example")
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []


def test_login_works_with_the_keyboard_alone(browser_page: BrowserPage, live_server: str) -> None:
    page = browser_page.page
    page.goto(f"{live_server}/inloggen")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    page.keyboard.type("sociaalteam@dorpsveen.example")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Welkom, Sanne Sociaal")).to_be_visible()


def test_htmx_requests_carry_the_csrf_header_inherited_from_body(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")
    expect(page.get_by_role("heading", name="Welkom, Wim Wijkagent")).to_be_visible()

    # A state-changing htmx request from inside <main>: without the inherited header it gets 403.
    # Not awaiting htmx.ajax's promise: the answer navigates away, and that may come first.
    page.evaluate(
        "() => { htmx.ajax('POST', '/uitloggen', {source: '#inhoud', target: '#inhoud'}); }"
    )

    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    assert browser_page.csp_violations() == []
