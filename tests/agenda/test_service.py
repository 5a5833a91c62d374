"""The agenda: items in order, moved up and down, frozen with a notice, late items marked."""

import pytest
from sqlmodel import Session, col, select

from app.agenda import service
from app.agenda.models import AgendaItem, AgendaItemCreate
from app.errors import DomainError
from app.mail.models import OutboxMessage
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from tests.planning import MAIL, Table


@pytest.fixture
def meeting(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).first()


def titles(session: Session, meeting: Meeting) -> list[str]:
    return [item.title for item in service.agenda_of(session, meeting_id=meeting.id)]


def add(session: Session, table: Table, meeting: Meeting, title: str) -> AgendaItem:
    return service.add_item(
        session, meeting=meeting, by=table.admin, data=AgendaItemCreate(title=title)
    )


def test_items_come_in_the_order_added_and_move_up_and_down(
    session: Session, table: Table, meeting: Meeting
) -> None:
    first, _second, third = (
        add(session, table, meeting, t) for t in ("Opening", "Casussen", "Rondvraag")
    )

    service.move_item(session, meeting=meeting, item=third, offset=-1, by=table.admin)
    service.move_item(session, meeting=meeting, item=first, offset=-1, by=table.admin)

    assert titles(session, meeting) == ["Opening", "Rondvraag", "Casussen"]


def test_freezing_notifies_the_members_and_later_items_are_marked_late(
    session: Session, table: Table, series: MeetingSeries, meeting: Meeting
) -> None:
    add(session, table, meeting, "Opening")
    before = len(session.exec(select(OutboxMessage)).all())

    service.freeze(session, series=series, meeting=meeting, by=table.admin, mail=MAIL)
    late = add(session, table, meeting, "Spoedpunt")

    session.refresh(meeting)
    assert meeting.status == MeetingStatus.AGENDA_FROZEN
    notices = session.exec(select(OutboxMessage)).all()[before:]
    assert {m.to_address for m in notices} == {table.chair.email, table.member.email}
    assert all(m.subject.startswith("Agenda vastgesteld") for m in notices)
    assert late.late is True
    with pytest.raises(DomainError, match="Alleen de agenda van een geplande"):
        service.freeze(session, series=series, meeting=meeting, by=table.admin, mail=MAIL)
