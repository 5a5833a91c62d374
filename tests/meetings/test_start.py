"""Starting a meeting on another day than planned asks first, with the planned date in the
question; on its own day only the confidentiality statement is confirmed."""

import json
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import Actor, AuditEvent
from app.dates import long_date
from app.errors import DomainError
from app.meetings import service
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.overleg.schedule import local
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.planning import Table

QUESTION = "Deze bijeenkomst staat gepland op {day}, niet vandaag. Toch vandaag starten?"


def first_meeting(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).first()


def ticked(page: str, name: str) -> bool:
    return re.search(rf'<input type="checkbox"[^>]*id="{name}"[^>]*\bchecked\b', page) is not None


def test_long_date_writes_the_weekday_and_month_in_dutch() -> None:
    assert long_date(date(2026, 12, 8)) == "dinsdag 8 december 2026"


def test_on_its_own_day_a_meeting_starts_without_the_question(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    chair = Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")
    planned = local(meeting.starts_at).date()

    with pytest.raises(DomainError) as refused:
        service.start(
            session,
            meeting=meeting,
            confidentiality_read=True,
            today=planned - timedelta(days=1),
            by=chair,
        )
    assert refused.value.field == "confirm_other_day"
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.PLANNED

    service.start(session, meeting=meeting, confidentiality_read=True, today=planned, by=chair)

    assert meeting.status == MeetingStatus.IN_PROGRESS


def test_on_another_day_the_chair_confirms_beside_the_question_and_the_meeting_starts(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    log_in(client, table.chair.email, PASSWORD)
    token = csrf_from(client, base)

    asked = client.post(
        f"{base}/starten", data={"confidentiality_read": "true", "csrf_token": token}
    )

    assert asked.status_code == 422
    question = QUESTION.format(day=long_date(local(meeting.starts_at).date()))
    assert question in asked.text
    assert 'for="confirm_other_day">Ja, vandaag starten</label>' in asked.text
    assert ticked(asked.text, "confidentiality_read")
    assert not ticked(asked.text, "confirm_other_day")
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.PLANNED

    started = client.post(
        f"{base}/starten",
        data={"confidentiality_read": "true", "confirm_other_day": "true", "csrf_token": token},
    )

    assert started.status_code == 303
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "bijeenkomst.gestart")).one()
    assert json.loads(event.detail) == {"gepland": local(meeting.starts_at).date().isoformat()}


def test_a_confirmed_day_stays_ticked_when_the_confidentiality_statement_is_missing(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    log_in(client, table.chair.email, PASSWORD)

    refused = client.post(
        f"{base}/starten",
        data={"confirm_other_day": "true", "csrf_token": csrf_from(client, base)},
    )

    assert refused.status_code == 422
    assert "Bevestig dat de geheimhoudingsverklaring is voorgelezen." in refused.text
    assert ticked(refused.text, "confirm_other_day")
    assert not ticked(refused.text, "confidentiality_read")
