"""The casus form as a browser sends it, for the route tests."""

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.db import today
from app.overleg.models import Meeting, MeetingSeries
from tests.conftest import csrf_from


def open_meeting(session: Session, series: MeetingSeries) -> Meeting:
    """The first meeting whose agenda deadline has not passed."""
    return session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()


def post(client: TestClient, path: str, data: dict[str, object]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, "/")})


def form(meeting: Meeting, **overrides: object) -> dict[str, object]:
    """An identified casus about Kees, as typed in the form."""
    values = {
        "meeting_id": str(meeting.id),
        "pseudonym": "Man met overlast",
        "categories": "overlast",
        "urgency": "regulier",
        "reason": "Drie meldingen in vier weken.",
        "question": "Wie legt contact?",
        "identified": "geïdentificeerd",
        "consent": "niet gevraagd",
        "legal_basis": "convenant",
        "person-1-name": "Kees Wildeboer",
        "person-1-birth_date": "1961-03-12",
        "person-1-bsn": "999990111",
        "person-1-address": "Dorpsstraat 14",
    }
    return values | overrides
