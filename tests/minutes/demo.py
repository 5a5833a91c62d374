"""The demo's past meeting, vastgesteld as version 1: the fixture and helpers the verslag
tests share."""

import io
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app import demo
from app.agenda.models import AgendaItem
from app.cases.models import Case
from app.minutes.models import MinutesDocument, MinutesVersion
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.tasks.models import Task
from tests.conftest import log_in

DEMO_NAMES = ["Kees Wildeboer", "Fatma Yildirim-Verhoef", "Mila Verhoef", "Ruud Ommeren"]
DEMO_BSNS = ["999990111", "999990925", "999990962", "999991036", "999991073"]


@dataclass
class DemoMinutes:
    meeting: Meeting
    path: str
    cases: list[Case]
    tasks: list[Task]


@pytest.fixture
def minutes(session: Session, app: FastAPI) -> DemoMinutes:
    demo.seed_demo(session, crypto=app.state.crypto)
    meeting = session.exec(
        select(Meeting).where(Meeting.status == MeetingStatus.MINUTES_FINAL)
    ).one()
    case_ids = session.exec(
        select(AgendaItem.case_id).where(
            AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None)
        )
    ).all()
    return DemoMinutes(
        meeting=meeting,
        path=f"/overleggen/{meeting.series_id}/bijeenkomsten/{meeting.id}/verslag",
        cases=list(session.exec(select(Case).where(col(Case.id).in_(case_ids))).all()),
        tasks=list(session.exec(select(Task).where(Task.meeting_id == meeting.id)).all()),
    )


def names_in_minutes(session: Session, minutes: DemoMinutes, *, on: bool) -> None:
    """The overleg's setting "namen in verslag"."""
    series = session.get(MeetingSeries, minutes.meeting.series_id)
    series.names_in_minutes = on
    session.add(series)
    session.commit()


def next_planned_meeting(session: Session) -> tuple[Meeting, str]:
    """The demo's first meeting still to come, and the path of its verslag page."""
    upcoming = session.exec(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).first()
    assert upcoming is not None
    return upcoming, f"/overleggen/{upcoming.series_id}/bijeenkomsten/{upcoming.id}/verslag"


def as_user(client: TestClient, email: str, password: str = demo.DEMO_PASSWORD) -> TestClient:
    client.cookies.clear()
    log_in(client, email, password)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def flat(value: str) -> str:
    """Text without line breaks and double spaces (table cells wrap in the PDF)."""
    return " ".join(value.split())


def section(page: str, opening: str) -> str:
    """The part of a page from the section that opens like this to its end."""
    return page.split(opening, 1)[1].split("</section>", 1)[0]


def stored(session: Session, meeting: Meeting, number: int = 1) -> tuple[MinutesVersion, bytes]:
    version = session.exec(
        select(MinutesVersion).where(
            MinutesVersion.meeting_id == meeting.id, MinutesVersion.number == number
        )
    ).one()
    document = session.exec(
        select(MinutesDocument).where(MinutesDocument.version_id == version.id)
    ).one()
    return version, document.content
