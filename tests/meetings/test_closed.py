"""A finished meeting is closed: presence, guests, leaving the room and vervolgcasussen are
refused with 409 and a Dutch message, and nothing is stored; while the meeting runs, leaving
the room (which decides whether a casus is discussed anonymously) is audited."""

import json
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.agenda.models import AgendaItem
from app.audit import AuditEvent
from app.cases import service as case_service
from app.db import today
from app.errors import MeetingClosed
from app.meetings import service
from app.meetings.models import ItemAbsence, MeetingAttendance, Presence
from app.overleg.models import CLOSED, Meeting, MeetingSeries, MeetingStatus
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.meetings.test_live import case_on, chair, started
from tests.planning import Table


@dataclass
class Ran:
    meeting: Meeting
    item: AgendaItem
    housing: MeetingAttendance  # Wouter Wonen: present, his organisation has not signed


@pytest.fixture
def ran(session: Session, table: Table, series: MeetingSeries) -> Ran:
    """A running meeting with an identified casus, and an open casus for a later meeting."""
    meeting, later = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).all()[:2]
    case_on(session, table, series, meeting)
    case_on(session, table, series, later)
    started(session, table, meeting)
    housing = service.set_presence(
        session,
        meeting=meeting,
        user_id=table.member.id,
        presence=Presence.PRESENT,
        by=chair(table),
    )
    item = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).one()
    return Ran(meeting=meeting, item=item, housing=housing)


def close(session: Session, meeting: Meeting, status: MeetingStatus) -> None:
    meeting.status = status
    session.add(meeting)
    session.commit()


def count(session: Session, model: type, *where: object) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_meeting_refuses_presence_guests_leaving_the_room_and_vervolg(
    client: TestClient, session: Session, table: Table, ran: Ran, status: MeetingStatus
) -> None:
    close(session, ran.meeting, status)
    meeting_path = f"/overleggen/{ran.meeting.series_id}/bijeenkomsten/{ran.meeting.id}"
    live = f"{meeting_path}/live"
    log_in(client, table.chair.email, PASSWORD)
    token = csrf_from(client, live)
    events = count(session, AuditEvent)

    presence = client.post(
        f"{live}/aanwezigheid",
        data={
            f"presence-{table.member.id}": "afwezig",
            f"shown-{table.member.id}": "aanwezig",
            "csrf_token": token,
        },
    )
    guest = client.post(f"{live}/gasten", data={"guest_name": "Gerda Gast", "csrf_token": token})
    room = client.post(
        f"{live}/punten/{ran.item.id}/ruimte/{ran.housing.id}",
        data={"left": "true", "csrf_token": token},
    )
    owner = client.post(
        f"{live}/punten/{ran.item.id}/eigenaar",
        data={f"owner_organisation_id-{ran.item.id}": str(table.police_id), "csrf_token": token},
    )
    follow_ups = client.post(
        f"{meeting_path}/agenda/vervolg",
        data={"csrf_token": token},
        headers={"HX-Request": "true", "HX-Target": "section#agenda"},
    )

    assert presence.status_code == 409
    assert "De aanwezigheid van deze bijeenkomst ligt vast." in presence.text
    assert guest.status_code == 409
    assert "Deze bijeenkomst is afgesloten; er kan geen gast meer bij." in guest.text
    assert room.status_code == 409
    assert "wie bij een punt de ruimte verliet, ligt vast." in room.text
    assert owner.status_code == 409
    assert "de casus-eigenaar wijzigt u op de casuspagina." in owner.text
    assert follow_ups.status_code == 409
    assert "er kunnen geen casussen meer op de agenda." in follow_ups.text
    assert session.get(MeetingAttendance, ran.housing.id).presence == Presence.PRESENT
    assert count(session, MeetingAttendance, MeetingAttendance.meeting_id == ran.meeting.id) == 1
    assert count(session, ItemAbsence) == 0
    assert count(session, AgendaItem, AgendaItem.meeting_id == ran.meeting.id) == 1
    assert case_service.case_by_id(session, case_id=ran.item.case_id).owner_organisation_id is None
    assert count(session, AuditEvent) == events


def test_the_use_cases_refuse_a_finished_meeting_themselves(
    session: Session, table: Table, ran: Ran
) -> None:
    close(session, ran.meeting, MeetingStatus.FINISHED)

    with pytest.raises(MeetingClosed):
        service.add_guest(
            session, meeting=ran.meeting, name="Gerda Gast", organisation_id=None, by=chair(table)
        )
    with pytest.raises(MeetingClosed):
        service.set_left_room(
            session, item=ran.item, attendance=ran.housing, left=True, by=chair(table)
        )
    with pytest.raises(MeetingClosed):
        case_service.add_follow_ups(session, meeting=ran.meeting, by=chair(table))
    session.rollback()

    assert count(session, MeetingAttendance, MeetingAttendance.meeting_id == ran.meeting.id) == 1
    assert count(session, ItemAbsence) == 0
    assert count(session, AgendaItem, AgendaItem.meeting_id == ran.meeting.id) == 1


def test_leaving_the_room_is_audited_with_ids_only(
    client: TestClient, session: Session, table: Table, ran: Ran
) -> None:
    live = f"/overleggen/{ran.meeting.series_id}/bijeenkomsten/{ran.meeting.id}/live"
    log_in(client, table.chair.email, PASSWORD)

    left = client.post(
        f"{live}/punten/{ran.item.id}/ruimte/{ran.housing.id}",
        data={"left": "true", "csrf_token": csrf_from(client, live)},
    )
    service.set_left_room(
        session, item=ran.item, attendance=ran.housing, left=True, by=chair(table)
    )  # again: nothing changes, nothing to log
    service.set_left_room(
        session, item=ran.item, attendance=ran.housing, left=False, by=chair(table)
    )

    assert left.status_code == 303
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.action).startswith("agendapunt.ruimte"))
        .order_by(col(AuditEvent.id))
    ).all()
    assert [e.action for e in events] == ["agendapunt.ruimte.verlaten", "agendapunt.ruimte.terug"]
    assert events[0].actor_name == "Victor Voorzitter"
    assert events[0].object_type == "agendapunt" and events[0].object_id == str(ran.item.id)
    assert json.loads(events[0].detail) == {
        "bijeenkomst": ran.meeting.id,
        "aanwezigheid": ran.housing.id,
    }
    assert "Wouter" not in events[0].detail and events[0].context is None
    assert count(session, ItemAbsence) == 0
