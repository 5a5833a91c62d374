"""The demo casussen in a real browser: covered partners see who it is about, others do not."""

from pathlib import Path

from playwright.sync_api import Page, Playwright, expect

from app.demo import DEMO_SERIES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, BrowserPage
from tests.e2e.test_login import log_in, serious_accessibility_problems

# Later meetings than the ones the other browser tests use, so what these tests freeze or add
# changes nothing there (an index in the form's list of coming meetings).
WITHDRAWN_MEETING, FROZEN_MEETING, ANONYMISED_MEETING = 8, 9, 10


def open_cases(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/overleggen")
    page.get_by_role("link", name=DEMO_SERIES).click()
    page.get_by_role("link", name="Casussen", exact=True).click()


def open_case(page: Page, base_url: str, pseudonym: str) -> None:
    open_cases(page, base_url)
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


def fill_in_a_casus(page: Page, base_url: str, pseudonym: str, *, meeting: int) -> None:
    """Open the form and fill in what every casus needs, for the meeting at this index."""
    open_cases(page, base_url)
    page.get_by_role("link", name="Casus inbrengen").click()
    page.get_by_label("Bijeenkomst").select_option(index=meeting)
    page.get_by_label("Pseudoniem of korte omschrijving").fill(pseudonym)
    page.get_by_label("verwaarlozing").check()
    page.get_by_label("Aanleiding: waarom brengt u deze casus in?").fill(
        "Twee kinderen zijn al weken niet op school geweest."
    )
    page.get_by_label("Hulpvraag: wat vraagt u van het overleg?").fill(
        "Wie kan op huisbezoek gaan?"
    )


def fill_in_anonymised(page: Page) -> None:
    page.get_by_role("radio", name="Geanonimiseerd").check()
    page.get_by_label("Leeftijdscategorie").select_option("27-45 jaar")
    page.get_by_label("Situatie").fill("Alleenstaande ouder met twee kinderen, geen netwerk.")


def bring_anonymised(page: Page, base_url: str, pseudonym: str, *, meeting: int) -> None:
    fill_in_a_casus(page, base_url, pseudonym, meeting=meeting)
    fill_in_anonymised(page)
    page.get_by_role("button", name="Casus inbrengen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(pseudonym)


def test_a_partner_submits_an_anonymised_casus_and_it_lands_on_the_agenda(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "sociaalteam@dorpsveen.example")
    fill_in_a_casus(page, live_server, "Gezin met schooluitval", meeting=1)
    assert serious_accessibility_problems(page) == []

    page.get_by_role("radio", name="Geïdentificeerd").check()
    expect(page.get_by_label("Naam", exact=True)).to_be_visible()
    expect(page.get_by_label("Situatie")).to_be_hidden()
    fill_in_anonymised(page)
    expect(page.get_by_label("Naam", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Casus inbrengen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Gezin met schooluitval")
    expect(page.locator("#meldingen")).to_contain_text("ingediend.")
    page.locator("a[href*='/bijeenkomsten/']").first.click()
    expect(page.locator("#agenda")).to_contain_text("Gezin met schooluitval")
    assert browser_page.console_errors == []


def test_a_partner_withdraws_a_casus_before_the_freeze_and_is_refused_after(
    browser_page: BrowserPage, live_server: str, playwright: Playwright, tmp_path: Path
) -> None:
    page = browser_page.page
    log_in(page, live_server, "sociaalteam@dorpsveen.example")
    bring_anonymised(page, live_server, "Gezin dat gaat verhuizen", meeting=WITHDRAWN_MEETING)

    page.get_by_role("link", name="Casus intrekken").click()
    expect(page.get_by_text("De casus gaat van de agenda")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("button", name="Ja, intrekken").click()

    expect(page.locator("#meldingen")).to_contain_text("ingetrokken.")
    expect(page.get_by_text("Deze casus is ingetrokken")).to_be_visible()

    bring_anonymised(page, live_server, "Gezin met een huurschuld", meeting=FROZEN_MEETING)
    page.get_by_role("link", name="Casus intrekken").click()
    freeze_the_agenda_of(playwright, tmp_path, page.url.removesuffix("/intrekken"))
    page.get_by_role("button", name="Ja, intrekken").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "De agenda van de bijeenkomst is al vastgesteld"
    )
    page.get_by_role("link", name="Terug naar casus").click()
    expect(page.get_by_text("Corrigeren of intrekken kan niet meer")).to_be_visible()
    expect(page.get_by_role("link", name="Casus intrekken")).to_have_count(0)
    assert browser_page.csp_violations() == []


def freeze_the_agenda_of(playwright: Playwright, tmp_path: Path, case_url: str) -> None:
    """The chair, in a browser of their own, freezes the agenda the casus is on."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "voorzitter"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
    )
    try:
        chair = context.pages[0]
        chair.set_default_timeout(10_000)
        log_in(chair, case_url.split("/overleggen")[0], "voorzitter@dorpsveen.example")
        chair.goto(case_url)
        chair.locator("a[href*='/bijeenkomsten/']").first.click()
        chair.get_by_role("button", name="Agenda vaststellen en leden informeren").click()
        expect(chair.locator("#agenda-kop")).to_contain_text("vastgesteld")
    finally:
        context.close()


def test_anonymising_asks_for_confirmation_first(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "wijkagent@politie.example")
    fill_in_a_casus(page, live_server, "Buurman met zorgen", meeting=ANONYMISED_MEETING)
    page.get_by_role("radio", name="Geïdentificeerd").check()
    page.get_by_label("Toestemming van de inwoner").select_option("niet gevraagd")
    page.get_by_label("Grondslag voor het delen").select_option("convenant")
    page.get_by_label("Naam", exact=True).fill("Piet Proefpersoon")
    page.get_by_label("Geboortedatum", exact=True).fill("1970-01-01")
    page.get_by_label("Adres", exact=True).fill("Veenweg 1, Dorpsveen")
    page.get_by_role("button", name="Casus inbrengen").click()
    expect(page.get_by_role("cell", name="Piet Proefpersoon")).to_be_visible()

    page.get_by_role("link", name="Casus anonimiseren").click()
    expect(page.get_by_text("Dit kan niet ongedaan worden gemaakt.")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("link", name="Annuleren").click()
    expect(page.get_by_role("cell", name="Piet Proefpersoon")).to_be_visible()

    page.get_by_role("link", name="Casus anonimiseren").click()
    page.get_by_label("Leeftijdscategorie").select_option("46-66 jaar")
    page.get_by_label("Situatie").fill("Zorgen over een buurman die alleen woont.")
    page.get_by_label("Reden").fill("Voor het overleg is de naam niet nodig.")
    page.get_by_role("button", name="Ja, anonimiseren").click()

    expect(page.locator("#meldingen")).to_contain_text("geanonimiseerd.")
    expect(page.get_by_text("Deze casus bevat geen persoonsgegevens")).to_be_visible()
    assert "Piet Proefpersoon" not in page.content()
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []
