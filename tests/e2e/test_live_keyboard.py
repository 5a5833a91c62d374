"""A chair runs a 10-casus meeting in Chromium by keyboard alone: attendance, per casus owner,
outcome, one contribution, three tasks and informering, then finish. No full page load after
the start, at most 15 interactions per casus, and no serious accessibility problem in any state
of the page."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, create_engine, func, select

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import AgeBand, AnonymisedFields, CaseCategory, CaseSubmission
from app.config import Settings
from app.overleg.models import Meeting, MeetingSeries
from app.security.crypto import CaseCrypto
from app.users.models import User
from tests.e2e.conftest import BrowserPage
from tests.e2e.test_live_autosave import (  # noqa: F401 (fixtures)
    CONFIDENTIALITY,
    AppServer,
    app_server,
    chromium,
    open_live_page,
    open_page,
    seeded_database,
)
from tests.e2e.test_live_meeting import confirm_the_day_if_asked, tab_to
from tests.e2e.test_login import serious_accessibility_problems

CASUSSEN = 10
MOST_PER_CASUS = 15
# Everyone covered, so no casus is discussed anonymously.
PRESENT = ("Victor Voorzitter", "Bea Beheer", "Wim Wijkagent", "Sanne Sociaal")


@dataclass
class Keyboard:
    """The chair's hands: Tab moves focus and typing fills text (neither counts); every key or
    choice that does something is an interaction."""

    page: Page
    interactions: list[str] = field(default_factory=list)

    def focus(self, element_id: str) -> None:
        tab_to(self.page, element_id, limit=400)

    def type(self, element_id: str, text: str) -> None:
        self.focus(element_id)
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.interactions.append(key)
        self.page.keyboard.press(key)

    def choose(self, element_id: str, **option: object) -> None:
        self.focus(element_id)
        self.interactions.append(f"kies {element_id}")
        self.page.locator(f"#{element_id}").select_option(**option)


def add_anonymous_casussen(server: AppServer, meeting_id: int, up_to: int) -> None:
    """More casussen on the demo meeting's agenda, submitted before its deadline."""
    engine = create_engine(server.database_url)
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        series = session.get(MeetingSeries, meeting.series_id)
        chair = session.exec(select(User).where(User.email == "voorzitter@dorpsveen.example")).one()
        already = session.exec(
            select(func.count())
            .select_from(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None))
        ).one()
        for number in range(already, up_to):
            case_service.submit_case(
                session,
                series=series,
                data=CaseSubmission(
                    meeting_id=meeting.id,
                    pseudonym=f"Casus {number + 1}, zorgen in de buurt",
                    identified=False,
                    categories=[CaseCategory.NUISANCE],
                    reason="Buren maken zich zorgen over overlast.",
                    question="Wie gaat in gesprek?",
                ),
                people=[],
                details=AnonymisedFields(age_band=AgeBand.ADULT, situation="Zorgen, geen naam."),
                crypto=CaseCrypto.from_settings(Settings(database_url=server.database_url)),
                by=Actor(user=chair, organisation_name="Gemeente", client_address="test"),
                today=meeting.agenda_deadline,
            )
    engine.dispose()


def item_ids(page: Page) -> list[str]:
    return page.locator("#punt-nav [data-item-link]").evaluate_all(
        "links => links.map(link => link.dataset.itemLink)"
    )


def record_casus(keys: Keyboard, page: Page, item: str, organisation: str) -> None:
    """Owner, one contribution, next step and informering, and three tasks for one casus."""
    keys.choose(f"owner_organisation_id-{item}", value=organisation)
    keys.focus(f"eigenaar-opslaan-{item}")
    keys.press("Enter")
    expect(page.locator(f"#eigenaar-{item}")).to_contain_text("Casus-eigenaar: Politie")

    contribution = f"contribution-{item}-{organisation}"
    keys.type(f"{contribution}-text", "Twee meldingen bij de wijkagent.")
    keys.choose(f"{contribution}-basis", index=1)
    keys.focus(f"{contribution}-opslaan")
    keys.press("Enter")
    expect(page.locator(f"#bijdrage-{item}-{organisation}")).to_contain_text("Opgeslagen")

    keys.choose(f"next_step-{item}", value="terug op de volgende bijeenkomst")
    keys.choose(f"informing-{item}", value="wordt geïnformeerd")
    keys.focus(f"uitkomst-opslaan-{item}")
    keys.press("Enter")
    expect(page.locator("#punt-nav [aria-current]")).to_contain_text("compleet")
    keys.type(f"veld-{item}-informing_how", "Per brief, door de wijkagent.")

    for number in (1, 2, 3):
        keys.type(f"description-{item}", f"Actie {number}")
        keys.choose(f"assignee_organisation_id-{item}", value=organisation)
        keys.focus(f"due_on-{item}")
        keys.press("Enter")  # submits the form from its last field
        expect(page.locator(f"#acties-lijst-{item}")).to_contain_text(f"Actie {number}")
        expect(page.locator(f"#description-{item}")).to_be_focused()


def test_a_ten_casus_meeting_runs_by_keyboard_without_a_page_load(
    app_server: AppServer,  # noqa: F811
    open_page: Callable[[], BrowserPage],  # noqa: F811
) -> None:
    watched = open_page()
    page = watched.page
    live_url = open_live_page(page, app_server.base_url)
    meeting_id = int(re.search(r"/bijeenkomsten/(\d+)/live", live_url).group(1))
    add_anonymous_casussen(app_server, meeting_id, CASUSSEN)
    page.reload()
    assert serious_accessibility_problems(page) == [], "voor de start"

    tab_to(page, "confidentiality_read")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    confirm_the_day_if_asked(page)
    expect(page.get_by_role("heading", name="Bijeenkomst: bezig")).to_be_visible()
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    keys = Keyboard(page)

    for row in page.locator("#aanwezigheid tbody tr").all():
        name = row.locator("th").inner_text()
        if name.startswith(PRESENT):
            keys.focus(row.locator("input[type=radio]").first.get_attribute("id"))
            keys.press("Space")
    keys.focus("aanwezigheid-opslaan")
    keys.press("Enter")
    expect(page.locator("#aanwezigheid summary")).to_contain_text(f"{len(PRESENT)} aanwezig")
    assert keys.interactions.count("Space") == len(PRESENT)

    keys.focus("afronden-knop")
    keys.press("Enter")
    expect(page.locator("#finish-error")).to_be_visible()
    assert serious_accessibility_problems(page) == [], "met een foutmelding"

    police = page.evaluate(
        "() => [...document.querySelectorAll('select[id^=owner_organisation_id] option')]"
        ".find(o => o.textContent.startsWith('Politie')).value"
    )
    per_casus = []
    ids = item_ids(page)
    for position, item in enumerate(ids):
        before = len(keys.interactions)
        if position:
            keys.press("Alt+PageDown")
            expect(page.locator(f"#punt-{item}")).to_be_visible()
        if page.locator(f"#owner_organisation_id-{item}").count():
            record_casus(keys, page, item, police)
            per_casus.append(len(keys.interactions) - before)

    assert len(per_casus) == CASUSSEN
    assert max(per_casus) <= MOST_PER_CASUS, per_casus
    expect(page.locator("#punt-nav")).to_contain_text(
        f"{CASUSSEN} van {CASUSSEN} casussen compleet"
    )
    assert serious_accessibility_problems(page) == [], "tijdens de bijeenkomst"

    keys.focus("afronden-knop")
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Bijeenkomst: afgerond")).to_be_visible()
    assert loads == [], "de pagina werd opnieuw geladen"
    assert serious_accessibility_problems(page) == [], "na afloop"
    assert watched.csp_violations() == []
