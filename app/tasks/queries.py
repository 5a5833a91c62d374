"""Reads for 'mijn acties': the tasks a user may report back on, open and done."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from app.cases.models import Case
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.security import permissions
from app.tasks.models import Task, TaskStatus
from app.users.models import User

DONE_PAGE_SIZE = 20


class MyTask(NamedTuple):
    """A task on 'mijn acties', with its overleg and the user's place at that table; a done
    task also with when it was reported or found done."""

    task: Task
    case: Case | None
    series: MeetingSeries
    membership: SeriesMember
    done_at: datetime | None = None


def _mine(user: User, *columns: Any) -> Any:
    """Tasks in the overleggen where the user sits at the table: theirs, or their
    organisation's when no person is named."""
    return (
        select(Task, Case, MeetingSeries, SeriesMember, *columns)
        .join(MeetingSeries, col(MeetingSeries.id) == Task.series_id)
        .join(
            SeriesMember,
            (col(SeriesMember.series_id) == Task.series_id) & (SeriesMember.user_id == user.id),
        )
        .join(Case, col(Case.id) == Task.case_id, isouter=True)
        .where(
            or_(
                Task.assignee_user_id == user.id,
                (col(Task.assignee_organisation_id) == user.organisation_id)
                & col(Task.assignee_user_id).is_(None),
            )
        )
    )


def _allowed(user: User, rows: Any) -> list[MyTask]:
    # The query narrows the rows; the rule decides.
    tasks = (MyTask(*row) for row in rows)
    return [row for row in tasks if permissions.can_report_back(user, row.membership, row.task)]


def open_tasks_of(session: Session, *, user: User) -> list[MyTask]:
    """Open tasks the user may report back on, by deadline."""
    statement = _mine(user).where(Task.status == TaskStatus.OPEN)
    return _allowed(user, session.exec(statement.order_by(col(Task.due_on), col(Task.id))))


def _done(user: User) -> Any:
    """The user's done tasks, the last done first. Done is when it was reported done, or else
    the meeting where the chair found it done."""
    reviewed_at = aliased(Meeting)
    done_at = func.coalesce(Task.feedback_at, reviewed_at.starts_at, Task.created_at)
    return (
        _mine(user, done_at)
        .join(reviewed_at, col(reviewed_at.id) == Task.reviewed_at_meeting_id, isouter=True)
        .where(Task.status == TaskStatus.DONE)
        .order_by(done_at.desc(), col(Task.id).desc())
    )


def done_tasks_of(session: Session, *, user: User, page: int) -> tuple[list[MyTask], bool]:
    """One page of the user's done tasks, the last done first, and whether older ones follow."""
    statement = _done(user).offset((page - 1) * DONE_PAGE_SIZE).limit(DONE_PAGE_SIZE + 1)
    rows = session.exec(statement).all()
    return _allowed(user, rows[:DONE_PAGE_SIZE]), len(rows) > DONE_PAGE_SIZE


def all_tasks_of(session: Session, *, user: User) -> list[MyTask]:
    """Every task 'mijn acties' lists over its views, in two statements however many: the open
    ones by deadline, then all done ones, the last done first."""
    return open_tasks_of(session, user=user) + _allowed(user, session.exec(_done(user)))


def with_actions_overview(*, user: User, rows: list[MyTask]) -> set[int]:
    """The tasks whose meeting has an actieoverzicht of the assigned organisation that the user
    may open as a member of its organisation or chair; attendance is not looked up for a link."""
    return {
        row.task.id
        for row in rows
        if row.task.id is not None
        and permissions.can_read_actions(
            user,
            row.membership,
            attended_covered=lambda: False,
            organisation_id=row.task.assignee_organisation_id,
        )
    }
