"""Before the meeting: who comes, who is covered and why, and one-meeting declarations."""

import pytest
from sqlmodel import Session, col, select

from app.attendance import service
from app.attendance.models import Attendance
from app.attendance.service import ExpectedAttendance
from app.covenants.coverage import NotCoveredReason
from app.errors import DomainError
from app.meetings.models import MeetingAttendance, Presence
from app.overleg.models import Meeting, MeetingSeries
from tests.planning import Table


@pytest.fixture
def meetings(session: Session, series: MeetingSeries) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
        ).all()
    )


def expected(
    session: Session, series: MeetingSeries, meeting: Meeting, table: Table
) -> ExpectedAttendance:
    return service.expected_attendance(session, series=series, meeting=meeting, viewer=table.chair)


def test_coverage_is_shown_for_who_comes_and_who_has_not_answered(
    session: Session, table: Table, series: MeetingSeries, meetings: list[Meeting]
) -> None:
    service.set_intention(session, meeting=meetings[0], user=table.chair, answer=Attendance.YES)

    attendance = expected(session, series, meetings[0], table)

    [chair] = attendance.coming
    [member] = attendance.undecided
    assert chair.person.name == "Victor Voorzitter" and chair.covered
    assert member.person.name == "Wouter Wonen" and member.reason is NotCoveredReason.NOT_SIGNED
    assert [a.person.name for a in attendance.uncovered] == ["Wouter Wonen"]


def test_a_declaration_covers_one_meeting_only(
    session: Session, table: Table, series: MeetingSeries, meetings: list[Meeting]
) -> None:
    service.sign_declaration(
        session, series=series, meeting=meetings[0], user=table.member, by=table.admin
    )

    this_one = expected(session, series, meetings[0], table)
    next_one = expected(session, series, meetings[1], table)

    member_now = next(a for a in this_one.undecided if a.person.name == "Wouter Wonen")
    member_later = next(a for a in next_one.undecided if a.person.name == "Wouter Wonen")
    assert member_now.covered and member_now.declaration is not None
    assert not member_later.covered
    with pytest.raises(DomainError, match="al getekend"):
        service.sign_declaration(
            session, series=series, meeting=meetings[0], user=table.member, by=table.admin
        )


def test_a_paper_declaration_covers_a_guest(
    session: Session, table: Table, series: MeetingSeries, meetings: list[Meeting]
) -> None:
    gerda = MeetingAttendance(
        meeting_id=meetings[0].id, guest_name="Gerda Gast", presence=Presence.PRESENT
    )
    session.add(gerda)
    session.commit()
    service.record_paper_declaration(
        session, series=series, meeting=meetings[0], attendance_id=gerda.id, by=table.admin
    )

    [guest] = expected(session, series, meetings[0], table).guests

    assert guest.guest.guest_name == "Gerda Gast" and guest.answer.covered


def test_no_declarations_when_the_overleg_does_not_allow_them(
    session: Session, table: Table, series: MeetingSeries, meetings: list[Meeting]
) -> None:
    series.allow_declarations = False
    session.add(series)
    session.commit()

    with pytest.raises(DomainError, match="geen verklaring tekenen"):
        service.sign_declaration(
            session, series=series, meeting=meetings[0], user=table.member, by=table.admin
        )
