"""The demo's history: eighteen months of the Casusoverleg Zorg en Veiligheid, loaded through the
use cases, give the beleidsinformatie of the last twelve months figures to show, tell a
believable story, and leave no mail of the past waiting to be sent."""

from collections import Counter
from datetime import date, timedelta

from fastapi import FastAPI
from sqlmodel import Session, col, select

from app import demo, demo_history
from app import demo_history_story as story
from app.cases.models import Case, CasePerson, CaseStatus, EscalationBody
from app.db import today, utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.meetings.models import MeetingAttendance, Presence
from app.minutes.models import MinutesVersion
from app.overleg.models import Meeting, MeetingSeries
from app.overleg.schedule import local, working_days_between
from app.statistics.queries import dashboard
from app.tasks.models import Task, TaskStatus

HISTORY_EMAILS = {email for email, *_ in demo.HISTORY_USERS}


def months_back(count: int) -> list[date]:
    """The first days of the last `count` whole months before this one, oldest first."""
    first = today().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def test_the_history_fills_the_beleidsinformatie_with_a_believable_year(
    session: Session, app: FastAPI
) -> None:
    demo.seed_demo(session, crypto=app.state.crypto)
    demo_history.seed_history(session, crypto=app.state.crypto)
    series = session.exec(
        select(MeetingSeries).where(MeetingSeries.name == story.HISTORY_SERIES)
    ).one()
    cases = session.exec(select(Case).where(Case.series_id == series.id)).all()
    year = months_back(12)

    tables = dashboard(
        session,
        series_ids=session.exec(select(MeetingSeries.id)).all(),
        first_month=year[0],
        last_month=year[-1],
        today=today(),
        min_count=5,
        target_working_days=10,
    )
    figures = [figure for table in tables for row in table.rows for figure in row.figures]
    assert sum(not figure.hidden for figure in figures) > len(figures) / 2

    new_per_month = Counter(local(c.submitted_at).date().replace(day=1) for c in cases)
    assert all(5 <= new_per_month[month] <= 16 for month in year), new_per_month
    closed = [c for c in cases if c.status == CaseStatus.CLOSED]
    assert closed and all(
        20 <= (c.closed_on - local(c.submitted_at).date()).days <= 200 for c in closed
    )
    assert any(c.repeat_of_case_id for c in cases)
    assert {c.escalated_to for c in cases} >= {
        EscalationBody.VEILIG_THUIS,
        EscalationBody.SAFETY_HOUSE,
    }
    assert any(c.identified for c in cases) and sum(c.identified for c in cases) < len(cases) / 2
    names = {person.name for person in story.RESIDENTS}
    stored = session.exec(select(CasePerson.name_encrypted)).all()
    assert not any(name in text for name in names for text in stored)
    assert not any(name in c.pseudonym + c.reason for name in names for c in cases)

    held = session.exec(
        select(Meeting).where(Meeting.series_id == series.id, Meeting.starts_at < utcnow())
    ).all()
    presences = Counter(
        session.exec(
            select(MeetingAttendance.presence).where(
                col(MeetingAttendance.meeting_id).in_([m.id for m in held])
            )
        ).all()
    )
    assert presences[Presence.PRESENT] > presences[Presence.EXCUSED] > 0
    assert presences[Presence.ABSENT] > 0

    tasks = session.exec(select(Task).where(Task.series_id == series.id)).all()
    statuses = Counter(t.status for t in tasks)
    assert statuses[TaskStatus.DONE] > 3 * statuses[TaskStatus.OPEN] > 0
    assert any(t.status == TaskStatus.OPEN and t.due_on < today() for t in tasks)
    assert any(t.carried_forward >= 3 for t in tasks)

    turnaround = [
        working_days_between(local(m.starts_at).date(), local(v.finalised_at).date())
        for m, v in session.exec(
            select(Meeting, MinutesVersion)
            .join(MinutesVersion, col(MinutesVersion.meeting_id) == Meeting.id)
            .where(Meeting.series_id == series.id)
        ).all()
    ]
    assert len(turnaround) >= len(held) - 1
    assert 0 < sum(days > 10 for days in turnaround) < len(turnaround) / 4

    assert demo.seed_demo(session, crypto=app.state.crypto) is False
    waiting = session.exec(
        select(OutboxMessage.to_address).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    assert not HISTORY_EMAILS & set(waiting)
