"""What the server logs during every demo account's journey is JSON lines an operator can read,
and names no one: no resident's name, BSN or address, no account's name or e-mail address,
nothing typed, no token from a link."""

import json
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from app.demo import DEMO_PASSWORD, DEMO_USERS, HISTORY_USERS
from app.demo_cases import DEMO_PEOPLE
from app.demo_history_story import RESIDENTS
from tests.e2e.conftest import demo_server, server_log, watched_page
from tests.e2e.test_journeys import REFUSED_FORMS, journey
from tests.pg import free_port

MISTYPED_EMAIL = "iemand.anders@voorbeeld.example"
MISTYPED_PASSWORD = "Mijn-verkeerde-wachtwoord-77"
LINK_TOKEN = "eenmalig-token-uit-een-mail"
QUERY_TEXT = "zoektekst-in-de-url"


def personal_data() -> set[str]:
    """Everything that must never reach the log: who the demo is about, and what was typed."""
    residents = {value for person in DEMO_PEOPLE for value in (person.name, person.bsn)}
    residents |= {person.address.split(",")[0] for person in DEMO_PEOPLE if person.address}
    residents |= {person.name for person in RESIDENTS}
    accounts = {value for email, name, *_ in DEMO_USERS + HISTORY_USERS for value in (email, name)}
    typed = {DEMO_PASSWORD, MISTYPED_EMAIL, MISTYPED_PASSWORD, LINK_TOKEN, QUERY_TEXT}
    return {value for value in residents | accounts | typed if value}


def test_the_log_of_every_journey_is_json_and_names_no_one(
    browser_context: BrowserContext, tmp_path: Path
) -> None:
    port = free_port()
    with demo_server(tmp_path, port) as base_url:
        page = watched_page(browser_context).page
        page.goto(f"{base_url}/inloggen?volgende={QUERY_TEXT}")
        page.get_by_label("E-mailadres").fill(MISTYPED_EMAIL)
        page.get_by_label("Wachtwoord").fill(MISTYPED_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
        page.goto(f"{base_url}/uitnodiging/{LINK_TOKEN}?bron={QUERY_TEXT}")
        page.goto(f"{base_url}/agenda/{LINK_TOKEN}.ics")
        for email in REFUSED_FORMS:
            journey(page, base_url, email)
            browser_context.clear_cookies()
        log = server_log(tmp_path, port).read_text()

    lines = [json.loads(line) for line in log.splitlines() if line]
    access = [line for line in lines if line["logger"] == "casustafel.access"]
    assert len({line["user_id"] for line in access} - {None}) == len(REFUSED_FORMS)
    assert {"/uitnodiging/{token}", "/agenda/{token}.ics"} <= {line["route"] for line in access}
    assert all(line["request_id"] and line["route"] for line in access if line["status"] != 404)
    leaked = sorted(value for value in personal_data() if value in log)
    assert leaked == []
