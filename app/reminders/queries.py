"""Reads for the reminders: whose tasks are due or overdue, which verslagen are late."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, or_, select

from app.overleg.models import Meeting, MeetingStatus, MemberRole, SeriesMember
from app.reminders.models import ReminderKind, ReminderSent
from app.security import permissions
from app.tasks.models import Task, TaskStatus
from app.users.models import User

DIGEST_HORIZON = timedelta(days=7)


@dataclass
class TaskCounts:
    """Open tasks due within the horizon or overdue: the person's own, and their
    organisation's that name no one."""

    own_overdue: int = 0
    own_due_soon: int = 0
    organisation_overdue: int = 0
    organisation_due_soon: int = 0

    def add(self, task: Task, *, today: date) -> None:
        overdue = task.due_on < today
        if task.assignee_user_id is not None:
            self.own_overdue += overdue
            self.own_due_soon += not overdue
        else:
            self.organisation_overdue += overdue
            self.organisation_due_soon += not overdue


@dataclass
class Digest:
    """One person's weekly digest: where it goes and what it counts."""

    user_id: int
    email: str
    counts: TaskCounts = field(default_factory=TaskCounts)


def due_digests(session: Session, *, today: date, period: str) -> list[Digest]:
    """The digests of this period still to send: to every active participant who wants one,
    has open tasks due within a week or overdue in an overleg at whose table they sit (their
    own, or their organisation's naming no one) and has not had this period's digest yet."""
    already_sent = (
        (col(ReminderSent.user_id) == User.id)
        & (col(ReminderSent.kind) == ReminderKind.WEEKLY_DIGEST)
        & (col(ReminderSent.period) == period)
    )
    rows = session.exec(
        select(User, SeriesMember, Task)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .join(
            Task,
            (col(Task.series_id) == SeriesMember.series_id)
            & or_(
                col(Task.assignee_user_id) == User.id,
                (col(Task.assignee_organisation_id) == User.organisation_id)
                & col(Task.assignee_user_id).is_(None),
            ),
        )
        .join(ReminderSent, already_sent, isouter=True)
        .where(
            col(User.active),
            col(User.is_participant),
            col(User.weekly_digest),
            col(ReminderSent.id).is_(None),
            Task.status == TaskStatus.OPEN,
            Task.due_on <= today + DIGEST_HORIZON,
        )
        .order_by(col(User.email), col(Task.id))
    ).all()
    digests: dict[int, Digest] = {}
    # The query narrows the rows; the rules decide.
    for user, membership, task in rows:
        if permissions.can_receive_task_digest(user) and permissions.can_report_back(
            user, membership, task
        ):
            digest = digests.setdefault(user.id, Digest(user_id=user.id, email=user.email))
            digest.counts.add(task, today=today)
    return list(digests.values())


def unreminded_finished_meetings(session: Session, *, held_before: datetime) -> list[Meeting]:
    """Meetings held before the moment, finished but without a vastgesteld verslag, whose
    chair and secretary were not reminded yet."""
    reminded = (col(ReminderSent.meeting_id) == Meeting.id) & (
        col(ReminderSent.kind) == ReminderKind.MINUTES_OVERDUE
    )
    return list(
        session.exec(
            select(Meeting)
            .join(ReminderSent, reminded, isouter=True)
            .where(
                Meeting.status == MeetingStatus.FINISHED,
                col(Meeting.starts_at) < held_before,
                col(ReminderSent.id).is_(None),
            )
            .order_by(col(Meeting.starts_at), col(Meeting.id))
        ).all()
    )


def minutes_keepers(session: Session, *, series_id: int) -> list[str]:
    """The e-mail addresses of the active chairs and secretary of an overleg."""
    return list(
        session.exec(
            select(User.email)
            .join(SeriesMember, col(SeriesMember.user_id) == User.id)
            .where(
                SeriesMember.series_id == series_id,
                col(SeriesMember.role).in_([MemberRole.CHAIR, MemberRole.SECRETARY]),
                col(User.active),
            )
            .order_by(col(User.email))
        ).all()
    )
