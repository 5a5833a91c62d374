"""Use cases for tasks: agree one in the meeting, report back, carry forward, 'mijn acties'."""

from collections import Counter
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app import audit
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.db import utcnow
from app.errors import DomainError, MeetingClosed
from app.mail import service as mail_service
from app.overleg.invitations import SIGNATURE, MailContext, describe
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    SeriesMember,
    SeriesOrganisation,
)
from app.overleg.schedule import local
from app.security import permissions
from app.tasks.models import (
    CARRY_FORWARD_FLAG,
    NotDoneReason,
    Task,
    TaskCreate,
    TaskFeedback,
    TaskSetbackReport,
    TaskStatus,
)
from app.users.models import User

EXPORTED = "acties.geexporteerd"


def next_meeting_day(session: Session, *, meeting: Meeting) -> date:
    """The day of the next meeting of the overleg (four weeks on when none is planned)."""
    following = session.exec(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.starts_at > meeting.starts_at,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(col(Meeting.starts_at))
    ).first()
    day = following.starts_at if following else meeting.starts_at + timedelta(weeks=4)
    return local(day).date()


def _at_the_table(session: Session, *, series_id: int, user: User) -> bool:
    membership_id = session.exec(
        select(SeriesMember.id).where(
            SeriesMember.series_id == series_id, SeriesMember.user_id == user.id
        )
    ).first()
    return membership_id is not None


def add_task(
    session: Session, *, meeting: Meeting, item: AgendaItem | None, data: TaskCreate, by: Actor
) -> Task:
    """Agree a task in the meeting; the deadline defaults to the next meeting."""
    due = _checked_due(session, meeting=meeting, data=data)
    task = Task.model_validate(
        data,
        update={
            "series_id": meeting.series_id,
            "meeting_id": meeting.id,
            "due_on": due,
            "agenda_item_id": item.id if item else None,
            "case_id": item.case_id if item else None,
        },
    )
    session.add(task)
    session.flush()
    audit.record(session, action="taak.aangemaakt", actor=by, object_type="taak", object_id=task.id)
    session.commit()
    return task


def change_task(
    session: Session, *, meeting: Meeting, task: Task, data: TaskCreate, version: int, by: Actor
) -> Task:
    """Correct a task agreed in this meeting while it runs (what, who, deadline)."""
    _check_agreed_here(meeting, task, version)
    due = _checked_due(session, meeting=meeting, data=data)
    task.description = data.description
    task.assignee_organisation_id = data.assignee_organisation_id
    task.assignee_user_id = data.assignee_user_id
    task.due_on = due
    task.version += 1
    session.add(task)
    audit.record(session, action="taak.gewijzigd", actor=by, object_type="taak", object_id=task.id)
    session.commit()
    return task


def remove_task(session: Session, *, meeting: Meeting, task: Task, version: int, by: Actor) -> None:
    """Take back a task agreed in this meeting while it runs."""
    _check_agreed_here(meeting, task, version)
    audit.record(session, action="taak.verwijderd", actor=by, object_type="taak", object_id=task.id)
    session.delete(task)
    session.commit()


def _check_agreed_here(meeting: Meeting, task: Task, version: int) -> None:
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise MeetingClosed("Taken worden tijdens een lopende bijeenkomst vastgelegd.")
    if task.meeting_id != meeting.id:
        raise DomainError("Alleen acties van deze bijeenkomst kunnen hier worden gewijzigd.")
    if task.version != version:
        raise DomainError(
            "Iemand anders heeft deze actie intussen gewijzigd; kijk het na en sla opnieuw op.",
            field="description",
        )


def _checked_due(session: Session, *, meeting: Meeting, data: TaskCreate) -> date:
    """The deadline of a task to agree, after checking who it is for."""
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise DomainError("Taken worden tijdens een lopende bijeenkomst vastgelegd.")
    at_table = session.exec(
        select(SeriesOrganisation.id).where(
            SeriesOrganisation.series_id == meeting.series_id,
            SeriesOrganisation.organisation_id == data.assignee_organisation_id,
        )
    ).first()
    if at_table is None:
        raise DomainError(
            "Kies een organisatie die aan tafel zit.", field="assignee_organisation_id"
        )
    person = session.get(User, data.assignee_user_id) if data.assignee_user_id else None
    if data.assignee_user_id and (
        person is None or person.organisation_id != data.assignee_organisation_id
    ):
        raise DomainError(
            "Deze persoon hoort niet bij de gekozen organisatie.", field="assignee_user_id"
        )
    # A task is seen and reported back on only at the table of its overleg.
    if person is not None and not _at_the_table(session, series_id=meeting.series_id, user=person):
        raise DomainError(
            "Deze persoon zit niet aan tafel bij dit overleg. Kies alleen de organisatie.",
            field="assignee_user_id",
        )
    due = data.due_on or next_meeting_day(session, meeting=meeting)
    if due < local(meeting.starts_at).date():
        raise DomainError("De deadline ligt in het verleden.", field="due_on")
    return due


def review(
    session: Session,
    *,
    meeting: Meeting,
    task: Task,
    done: bool,
    reason: NotDoneReason | None,
    by: Actor,
) -> Task:
    """The chair records the terugkoppeling: done, or not done with a reason (carried forward)."""
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise DomainError("Terugkoppeling wordt tijdens een lopende bijeenkomst vastgelegd.")
    if task.reviewed_at_meeting_id == meeting.id:
        # Chair and secretary at once: the first review stands, the second is not written over it.
        raise DomainError(
            "Deze actie is intussen al besproken; kijk na wat er is vastgelegd.",
            field="not_done_reason",
        )
    if not done and reason is None:
        raise DomainError("Kies waarom de taak niet is gedaan.", field="not_done_reason")
    if done:
        task.status = TaskStatus.DONE
    else:
        task.not_done_reason = reason
        task.carried_forward += 1
        task.due_on = _carried_to(session, meeting=meeting, task=task)
    # The chair has answered what the assignee reported; a new report starts afresh.
    task.setback, task.proposed_due_on = None, None
    task.reviewed_at_meeting_id = meeting.id
    task.version += 1
    session.add(task)
    audit.record(
        session,
        action="taak.terugkoppeling",
        actor=by,
        object_type="taak",
        object_id=task.id,
        detail={"gereed": done},
    )
    session.commit()
    return task


def report_back(session: Session, *, task: Task, data: TaskFeedback, by: Actor) -> Task:
    """The assignee marks the task done and writes the terugkoppeling before the meeting."""
    _check_open(task)
    task.status, task.feedback, task.feedback_at = TaskStatus.DONE, data.feedback, utcnow()
    task.setback, task.proposed_due_on = None, None
    task.version += 1
    session.add(task)
    audit.record(session, action="taak.gereed", actor=by, object_type="taak", object_id=task.id)
    session.commit()
    return task


def report_setback(
    session: Session, *, task: Task, data: TaskSetbackReport, today: date, by: Actor
) -> Task:
    """The assignee reports that the task did not work out or needs more time (proposing a new
    date), and why: the chair takes it up at the next meeting's review."""
    _check_open(task)
    if data.proposed_due_on is not None and data.proposed_due_on < today:
        raise DomainError("De voorgestelde datum ligt in het verleden.", field="proposed_due_on")
    task.setback, task.proposed_due_on = data.setback, data.proposed_due_on
    task.feedback, task.feedback_at = data.reason, utcnow()
    task.version += 1
    session.add(task)
    audit.record(
        session,
        action="taak.niet_gereed",
        actor=by,
        object_type="taak",
        object_id=task.id,
        detail={"melding": str(data.setback)},
    )
    session.commit()
    return task


def record_export(session: Session, *, task_ids: list[int | None], by: Actor) -> None:
    """Log that 'mijn acties' was exported, with the tasks in it, before the file goes out."""
    audit.record(
        session,
        action=EXPORTED,
        actor=by,
        context="mijn acties",
        detail={"acties": task_ids},
    )
    session.commit()


def _check_open(task: Task) -> None:
    if task.status != TaskStatus.OPEN:
        raise DomainError("Deze actie staat niet meer open.")


def _carried_to(session: Session, *, meeting: Meeting, task: Task) -> date:
    """The new deadline of a task carried forward: the date the assignee proposed (when it has
    not passed), otherwise the next meeting."""
    proposed = task.proposed_due_on
    if proposed is not None and proposed >= local(meeting.starts_at).date():
        return proposed
    return next_meeting_day(session, meeting=meeting)


def flagged(session: Session) -> list[tuple[Task, MeetingSeries]]:
    """Open tasks carried forward three meetings or more in a row: for the beheerder."""
    return list(
        session.exec(
            select(Task, MeetingSeries)
            .join(MeetingSeries, col(MeetingSeries.id) == Task.series_id)
            .where(Task.status == TaskStatus.OPEN, Task.carried_forward >= CARRY_FORWARD_FLAG)
            .order_by(col(Task.due_on))
        ).all()
    )


def mail_assignees(
    session: Session, *, series: MeetingSeries, meeting: Meeting, mail: MailContext
) -> int:
    """After the meeting, each member of the overleg with actions from it gets one e-mail: how
    many, and a link to 'mijn acties'. Never a task text or case data (rule 12)."""
    tasks = session.exec(select(Task).where(Task.meeting_id == meeting.id)).all()
    if not tasks:
        return 0
    at_table = session.exec(
        select(User, SeriesMember)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series.id, col(User.active))
    ).all()
    counts = Counter(
        user.email
        for user, membership in at_table
        for task in tasks
        if permissions.can_report_back(user, membership, task)
    )
    link = f"{mail.base_url.rstrip('/')}/acties"
    for email, count in sorted(counts.items()):
        agreed = "is 1 actie" if count == 1 else f"zijn {count} acties"
        mail_service.enqueue(
            session,
            to=email,
            subject=f"Uw acties uit {series.name}",
            body=(
                f"In de bijeenkomst van {series.name} op {describe(meeting)} {agreed} voor u "
                f"of uw organisatie afgesproken.\n\n"
                f"Bekijk uw acties en meld ze gereed in Casustafel: {link}{SIGNATURE}"
            ),
        )
    return len(counts)
