"""The live page and the verslag name the parts of an item alike: what the chair fills in under
a label is what the minutes print under that heading."""

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases.models import LegalBasis
from app.meetings import service as live_service
from app.meetings.models import SECTION_HEADINGS, TEXT_FIELDS, Informing, NextStep
from app.overleg.models import Meeting
from app.tasks import service as task_service
from app.tasks.models import TaskCreate
from app.users.models import User
from tests.minutes.demo import DemoMinutes, as_user, pdf_text, section
from tests.planning import start_today

CHAIR = "voorzitter@dorpsveen.example"


def texts_of(page: str, *tags: str) -> set[str]:
    """The text of every element with one of these tags."""
    pattern = rf"<({'|'.join(tags)})\b[^>]*>(.*?)</\1>"
    return {
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        for _, inner in re.findall(pattern, page, flags=re.S)
    }


@pytest.fixture
def follow_up(session: Session, minutes: DemoMinutes) -> tuple[AgendaItem, str]:
    """Kees's casus back on the demo's next meeting, started, with every part filled in; the
    item and the meeting's path."""
    kees = next(c for c in minutes.cases if c.pseudonym.startswith("Man met overlast"))
    item = session.exec(
        select(AgendaItem).where(
            AgendaItem.case_id == kees.id, AgendaItem.meeting_id != minutes.meeting.id
        )
    ).one()
    meeting = session.get(Meeting, item.meeting_id)
    user = session.exec(select(User).where(User.email == CHAIR)).one()
    chair = Actor(user=user, organisation_name=user.organisation.name, client_address="test")
    start_today(session, meeting=meeting, by=chair)
    for field in TEXT_FIELDS:
        live_service.save_text(
            session,
            meeting=meeting,
            item=item,
            field=field,
            value=f"Tekst van {field}",
            based_on=live_service.fingerprint(""),
            by=chair,
        )
    live_service.save_contribution(
        session,
        meeting=meeting,
        item=item,
        organisation_id=user.organisation_id,
        text="Twee nieuwe meldingen.",
        legal_basis=LegalBasis.COVENANT,
        version=0,
        by=chair,
    )
    task_service.add_task(
        session,
        meeting=meeting,
        item=item,
        data=TaskCreate(
            description="Opnieuw langsgaan", assignee_organisation_id=user.organisation_id
        ),
        by=chair,
    )
    live_service.save_outcome(
        session,
        meeting=meeting,
        item=item,
        version=live_service.record_of(session, item=item).version,
        next_step=NextStep.NEXT_MEETING,
        next_step_date=None,
        escalation_body=None,
        informing=Informing.WILL_INFORM,
        by=chair,
    )
    return item, f"/overleggen/{meeting.series_id}/bijeenkomsten/{meeting.id}"


def test_the_live_page_labels_are_the_headings_of_the_verslag_and_its_pdf(
    client: TestClient, follow_up: tuple[AgendaItem, str]
) -> None:
    item, meeting_path = follow_up
    chair = as_user(client, CHAIR)

    live = section(
        chair.get(f"{meeting_path}/live?punt={item.id}").text, f'<section id="punt-{item.id}"'
    )
    verslag = section(
        chair.get(f"{meeting_path}/verslag").text, f'aria-labelledby="punt-{item.id}"'
    )
    excerpt = chair.get(f"{meeting_path}/verslag/uittreksel/{item.id}.pdf")

    headings = set(SECTION_HEADINGS.values())
    assert headings <= texts_of(live, "label", "summary", "h3")
    assert texts_of(verslag, "h3", "caption") == headings
    assert headings <= {line.strip() for line in pdf_text(excerpt.content).splitlines()}
