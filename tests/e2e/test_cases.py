"""The demo casussen in a real browser: covered partners see who it is about, others do not."""

from playwright.sync_api import Page, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems


def open_case(page: Page, base_url: str, pseudonym: str) -> None:
    page.goto(f"{base_url}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.get_by_role("link", name="Casussen", exact=True).click()
    page.get_by_label("Zoek op referentie of pseudoniem").fill(pseudonym)
    page.get_by_role("button", name="Zoeken").click()
    page.locator("table a[href*='/casussen/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(pseudonym)


def test_the_wijkagent_sees_the_people_of_a_casus(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")

    open_case(page, live_server, "Moeder en dochter")

    expect(page.get_by_role("cell", name="Fatma Yildirim-Verhoef")).to_be_visible()
    expect(page.get_by_role("cell", name="Mila Verhoef")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    assert browser_page.csp_violations() == []


def test_the_woonstichting_sees_only_reference_and_pseudonym(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "woningcorporatie@wonen.example")

    open_case(page, live_server, "Man met overlast")

    expect(page.get_by_text("U ziet alleen de referentie en het pseudoniem")).to_be_visible()
    assert "Wildeboer" not in page.content() and "999990111" not in page.content()


def test_a_partner_submits_an_anonymised_casus_and_it_lands_on_the_agenda(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "sociaalteam@dorpsveen.example")
    page.goto(f"{live_server}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.get_by_role("link", name="Casussen", exact=True).click()
    page.get_by_role("link", name="Casus inbrengen").click()
    assert serious_accessibility_problems(page) == []

    page.get_by_label("Bijeenkomst").select_option(index=1)
    page.get_by_label("Pseudoniem of korte omschrijving").fill("Gezin met schooluitval")
    page.get_by_label("verwaarlozing").check()
    page.get_by_label("Aanleiding: waarom brengt u deze casus in?").fill(
        "Twee kinderen zijn al weken niet op school geweest."
    )
    page.get_by_label("Hulpvraag: wat vraagt u van het overleg?").fill(
        "Wie kan op huisbezoek gaan?"
    )
    page.get_by_label("Geanonimiseerd").check()
    page.get_by_label("Leeftijdscategorie").select_option("27-45 jaar")
    page.get_by_label("Situatie").fill("Alleenstaande ouder met twee kinderen, geen netwerk.")
    page.get_by_role("button", name="Casus inbrengen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Gezin met schooluitval")
    page.locator("a[href*='/bijeenkomsten/']").first.click()
    expect(page.locator("#agenda")).to_contain_text("Gezin met schooluitval")
    assert browser_page.console_errors == []
