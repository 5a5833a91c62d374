"""The disclosure door: one place decides, decrypts and logs; "eerder besproken" is no oracle."""

import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app import demo
from app.audit import AuditEvent
from app.cases.models import Case
from app.config import PROJECT_ROOT
from app.db import today
from app.overleg.models import Meeting, MeetingStatus
from tests.conftest import csrf_from, log_in

HOUSING = "woningcorporatie@wonen.example"
POLICE = "wijkagent@politie.example"
KNOWN = {"name": "Kees Wildeboer", "birth_date": "1961-03-12", "address": "Dorpsstraat 14"}
UNKNOWN = {"name": "Piet Onbekend", "birth_date": "1975-06-30", "address": "Veenweg 99"}


@pytest.fixture
def demo_cases(session: Session, app: FastAPI) -> dict[str, Case]:
    demo.seed_demo(session, crypto=app.state.crypto)
    return {case.pseudonym: case for case in session.exec(select(Case)).all()}


@pytest.fixture
def kees(session: Session, demo_cases: dict[str, Case]) -> Case:
    """The demo casus about Kees; new casussen below go to the first meeting still open."""
    return demo_cases["Man met overlast, 60+"]


def coming_meeting(session: Session) -> int:
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.agenda_deadline >= today(), Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).first()
    assert meeting is not None and meeting.id is not None
    return meeting.id


def as_user(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email, demo.DEMO_PASSWORD)
    return client


def post(client: TestClient, path: str, data: dict[str, str]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, "/")})


def person_fields(person: dict[str, str]) -> dict[str, str]:
    return {f"person-1-{field}": value for field, value in person.items()}


def submission(session: Session, **overrides: str) -> dict[str, str]:
    return {
        "meeting_id": str(coming_meeting(session)),
        "pseudonym": "Bewoner met zorgen",
        "categories": "overlast",
        "urgency": "regulier",
        "reason": "Meldingen van buren over geluid.",
        "question": "Wie gaat op huisbezoek?",
        "identified": "geïdentificeerd",
        "consent": "niet gevraagd",
        "legal_basis": "convenant",
    } | overrides


def comparable(page: str, case: Case, typed: dict[str, str]) -> str:
    """The page with what may differ between two casussen taken out: the typed person, the
    casus' id and reference, and clock times."""
    page = page.replace(f"/casussen/{case.id}", "/casussen/ID").replace(case.reference, "REF")
    for field, value in typed.items():
        page = page.replace(value, f"<{field}>")
    page = page.replace("12 mrt 1961", "<birth_date>").replace("30 jun 1975", "<birth_date>")
    return re.sub(r"\d{1,2}:\d{2}", "HH:MM", page)


def newest_case(session: Session) -> Case:
    return session.exec(select(Case).order_by(col(Case.id).desc())).first()


def reads_of(session: Session, case: Case) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "casus.identificerend.ingezien",
                AuditEvent.object_id == str(case.id),
            )
        ).all()
    )


def submit_and_open(
    client: TestClient, session: Session, kees: Case, person: dict[str, str]
) -> tuple[Response, str, Case]:
    path = f"/overleggen/{kees.series_id}/casussen/nieuw"
    answer = post(client, path, submission(session) | person_fields(person))
    case = newest_case(session)
    return answer, client.get(answer.headers["location"]).text, case


def test_an_uncovered_submitter_learns_nothing_from_typing_a_known_person(
    client: TestClient, session: Session, kees: Case
) -> None:
    as_user(client, HOUSING)

    known_answer, known_page, known = submit_and_open(client, session, kees, KNOWN)
    unknown_answer, unknown_page, unknown = submit_and_open(client, session, kees, UNKNOWN)

    assert known_answer.status_code == unknown_answer.status_code == 303
    assert KNOWN["name"] in known_page  # what it typed itself it keeps seeing
    assert "Eerder besproken" not in known_page and kees.reference not in known_page
    assert comparable(known_page, known, KNOWN) == comparable(unknown_page, unknown, UNKNOWN)
    assert [e for e in reads_of(session, kees) if e.actor_name == "Wouter Wonen"] == []


def test_identifying_an_own_anonymised_casus_is_no_oracle_either(
    client: TestClient, session: Session, kees: Case
) -> None:
    as_user(client, HOUSING)
    anonymised = submission(
        session, identified="geanonimiseerd", age_band="46-66 jaar", situation="Zorgen, geen naam."
    )
    pages = []
    for person in (KNOWN, UNKNOWN):
        post(client, f"/overleggen/{kees.series_id}/casussen/nieuw", anonymised)
        case = newest_case(session)
        path = f"/overleggen/{kees.series_id}/casussen/{case.id}"
        identify = {
            "consent": "niet gevraagd",
            "legal_basis": "convenant",
            "change_reason": "Bewoner gaf toestemming.",
            "bevestigd": "ja",
        }
        answer = post(client, f"{path}/identificeren", identify | person_fields(person))
        assert answer.status_code == 303
        pages.append(comparable(client.get(path).text, case, person))

    assert "Eerder besproken" not in pages[0]
    assert pages[0] == pages[1]


def test_a_covered_member_sees_the_hint_and_that_read_is_logged(
    client: TestClient, session: Session, kees: Case
) -> None:
    as_user(client, POLICE)
    path = f"/overleggen/{kees.series_id}/casussen/nieuw"
    answer = post(client, path, submission(session) | person_fields(KNOWN))
    before = len(reads_of(session, kees))

    page = client.get(answer.headers["location"]).text

    assert "Eerder besproken" in page and kees.reference in page
    [hint_read] = reads_of(session, kees)[before:]
    assert hint_read.actor_name == "Wim Wijkagent" and hint_read.context == "casuspagina"
    assert json.loads(hint_read.detail) == {"pagina_van": newest_case(session).id}


def test_anonymising_a_casus_clears_its_link_to_the_earlier_one(
    client: TestClient, session: Session, kees: Case
) -> None:
    as_user(client, POLICE)
    answer = post(
        client,
        f"/overleggen/{kees.series_id}/casussen/nieuw",
        submission(session) | person_fields(KNOWN),
    )
    case = newest_case(session)
    assert case.repeat_of_case_id == kees.id

    anonymised = post(
        client,
        f"{answer.headers['location']}/anonimiseren",
        {
            "age_band": "46-66 jaar",
            "situation": "Zorgen over een oudere man.",
            "change_reason": "Geen grondslag meer.",
            "bevestigd": "ja",
        },
    )

    assert anonymised.status_code == 303
    session.refresh(case)
    assert (case.identified, case.repeat_of_case_id) == (False, None)


FORBIDDEN = (".decrypt(", "casus.identificerend.ingezien")
DOOR = PROJECT_ROOT / "app" / "cases" / "disclosure.py"
CIPHER = PROJECT_ROOT / "app" / "security" / "crypto.py"
# The backup file's own envelope (AES-GCM over a whole database dump): opening it decrypts no
# identified data, whose fields stay encrypted with the data keys inside the dump.
BACKUP_ENVELOPE = PROJECT_ROOT / "app" / "backup" / "archive.py"


def test_only_the_disclosure_door_decrypts_or_logs_a_read_of_identified_data() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {needle}"
        for path in sorted(Path(PROJECT_ROOT / "app").rglob("*.py"))
        if path not in (DOOR, CIPHER, BACKUP_ENVELOPE)
        for needle in FORBIDDEN
        if needle in path.read_text()
    ] + [
        f"{path.relative_to(PROJECT_ROOT)}: {needle}"
        for path in sorted(Path(PROJECT_ROOT / "templates").rglob("*"))
        if path.is_file()
        for needle in FORBIDDEN
        if needle in path.read_text()
    ]

    assert offenders == []
    assert all(needle in DOOR.read_text() for needle in FORBIDDEN)
