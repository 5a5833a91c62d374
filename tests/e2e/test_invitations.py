"""In a real browser: the beheerder invites someone, the invitation is in the outbox, the person
follows the link, chooses a password and lands in the app; the link then no longer works."""

from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems
from tests.invitations.links import newest_link_url

NEWCOMER = "Noor Nieuwkomer"
NEWCOMER_EMAIL = "noor@dorpsveen.example"
NEWCOMER_PASSWORD = "Koffie-met-de-wijkagent-2026"


def mailed_link(database_url: str, email: str) -> str:
    """The one-time link in the newest e-mail to this address, as the outbox holds it."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return newest_link_url(session, email)
    finally:
        engine.dispose()


def accept_invitation(page: Page, database_url: str, email: str, password: str) -> str:
    """Follow the invitation mailed to this address in a fresh browser session and choose the
    password; the link that was used."""
    link = mailed_link(database_url, email)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name="Welkom bij Casustafel")).to_be_visible()
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_label("Herhaal het wachtwoord").fill(password)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    return link


def test_an_invited_person_sets_a_password_and_lands_in_the_app(
    browser_page: BrowserPage, live_server: str, live_database_url: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")
    page.goto(f"{live_server}/gebruikers/nieuw")
    page.get_by_label("Naam").fill(NEWCOMER)
    page.get_by_label("E-mailadres").fill(NEWCOMER_EMAIL)
    page.get_by_label("Organisatie").select_option(index=1)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#meldingen")).to_contain_text(f"Account voor {NEWCOMER} aangemaakt.")
    expect(page.get_by_role("row", name=NEWCOMER)).to_contain_text("Uitgenodigd")

    link = accept_invitation(page, live_database_url, NEWCOMER_EMAIL, "te-kort")
    expect(page.locator("#password-error")).to_contain_text("Gebruik minstens 12 tekens.")
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Wachtwoord", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen").click()

    expect(page.get_by_role("heading", name=f"Welkom, {NEWCOMER}")).to_be_visible()
    expect(page.get_by_text("Uw wachtwoord is ingesteld. Welkom bij Casustafel.")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", name="Deze link werkt niet meer")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []


def test_forgotten_password_gives_the_same_answer_from_the_login_page(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    page.goto(f"{live_server}/inloggen")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page.get_by_role("heading", name="Wachtwoord vergeten")).to_be_visible()
    assert serious_accessibility_problems(page) == []

    page.get_by_label("E-mailadres").fill("niemand@nergens.example")
    page.get_by_role("button", name="Stuur mij een link").click()

    expect(page.locator("main")).to_contain_text("Als er een account met dit adres is")
    assert browser_page.csp_violations() == []
