"""What a verslag holds, gathered from the record of the meeting in a fixed number of queries;
the full minutes, an uittreksel and an actions overview are views of this one record."""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import disclosure
from app.cases.models import Case
from app.contacts.queries import Contact
from app.covenants import queries as covenant_queries
from app.meetings import queries as live_queries
from app.meetings.models import ItemContribution, ItemRecord, Presence
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, MemberRole, SeriesMember
from app.security.crypto import CaseCrypto
from app.tasks.models import Task, TaskStatus
from app.users.models import User


class Kind(StrEnum):
    """The three documents made from one record."""

    FULL = "verslag"
    EXCERPT = "uittreksel"
    ACTIONS = "actieoverzicht"


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    presence: str
    covered: bool
    coverage: str


@dataclass(frozen=True)
class TaskLine:
    task: Task
    case_label: str
    organisation: str
    person: str | None


@dataclass
class MinutesItem:
    number: int
    item: AgendaItem
    record: ItemRecord
    case: Case | None
    anonymous: bool
    submitted_by: str | None
    owner: str | None
    contributions: list[tuple[str, ItemContribution]]
    tasks: list[TaskLine]
    earlier_tasks: list[TaskLine]
    left_room: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Minutes:
    kind: Kind
    series: MeetingSeries
    meeting: Meeting
    day: date
    chairs: list[str]
    minute_taker: str | None
    covenant: str
    attendance: list[tuple[str, list[AttendanceLine]]]
    items: list[MinutesItem]
    open_tasks: list[tuple[str, list[TaskLine]]]
    names_allowed: bool
    subject: str = ""
    # An uittreksel names whom to call about its casus (added by the route, not recorded).
    owner_contacts: list[Contact] = field(default_factory=list)

    @property
    def case_items(self) -> list[MinutesItem]:
        return [i for i in self.items if i.case is not None]

    def excerpt(self, item_id: int) -> "Minutes | None":
        """Only this casus: its item, its tasks and next step (for the organisation that
        brought it)."""
        chosen = [i for i in self.case_items if i.item.id == item_id]
        if not chosen:
            return None
        return replace(
            self, kind=Kind.EXCERPT, items=chosen, open_tasks=[], subject=chosen[0].case.reference
        )

    def actions_of(self, organisation_id: int, organisation: str) -> "Minutes":
        """Only the tasks of one organisation: reference, pseudonym, task, deadline."""
        lines = sorted(self._task_lines(organisation_id), key=lambda line: line.task.due_on)
        return replace(
            self,
            kind=Kind.ACTIONS,
            items=[],
            open_tasks=[(organisation, lines)],
            subject=organisation,
        )

    def has_actions(self, organisation_id: int) -> bool:
        """Whether the organisation has any task in this verslag (else it gets no overview)."""
        return bool(self._task_lines(organisation_id))

    def _task_lines(self, organisation_id: int) -> list[TaskLine]:
        own = [
            line
            for _, lines in self.open_tasks
            for line in lines
            if line.task.assignee_organisation_id == organisation_id
        ]
        agreed = [
            line
            for item in self.items
            for line in item.tasks
            if line.task.assignee_organisation_id == organisation_id
            and line.task.status != TaskStatus.OPEN
        ]
        return own + agreed


def _presence_label(row_presence: Presence | None) -> str:
    return row_presence.value if row_presence else "niet geregistreerd"


def _attendance(live: live_queries.LiveMeeting) -> list[tuple[str, list[AttendanceLine]]]:
    per_organisation: dict[str, list[AttendanceLine]] = {}
    for attendee in live.attendees:
        presence = attendee.attendance.presence if attendee.attendance else None
        if attendee.attendance is not None and attendee.user_id is None:
            presence_text = f"gast, {_presence_label(presence)}"
        else:
            presence_text = _presence_label(presence)
        cover = attendee.cover
        per_organisation.setdefault(attendee.organisation, []).append(
            AttendanceLine(
                name=attendee.name,
                presence=presence_text,
                covered=bool(cover and cover.covered),
                coverage=cover.explanation if cover else "",
            )
        )
    return sorted(per_organisation.items())


CHAIRING = (MemberRole.CHAIR, MemberRole.SECRETARY)


def _recipients_covered(
    session: Session, series: MeetingSeries, day: date, chair_organisation_ids: set[int]
) -> bool:
    """Whether everyone the minutes may go to is covered: the covered attendees by definition,
    so it comes down to the chairs and the beheerders."""
    organisation_ids = chair_organisation_ids | set(
        session.exec(select(User.organisation_id).where(col(User.is_admin), col(User.active)))
    )
    return covenant_queries.organisations_covered(
        session, covenant_id=series.covenant_id, organisation_ids=organisation_ids, day=day
    )


def names_allowed(session: Session, *, series: MeetingSeries, day: date) -> bool:
    """Whether the verslag may name residents now: the overleg allows it and everyone who may
    get the verslag is covered."""
    if not series.names_in_minutes:
        return False
    chairs = session.exec(
        select(User.organisation_id)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series.id, col(SeriesMember.role).in_(CHAIRING))
    ).all()
    return _recipients_covered(session, series, day, set(chairs))


def with_names(
    session: Session, *, access: SeriesAccess, minutes: Minutes, crypto: CaseCrypto, actor: Actor
) -> Minutes:
    """The record with the names (and nothing else of the persons) of its identified casussen,
    when the overleg allows names, through the disclosure door (each casus named is logged
    and committed there). Called for the document about to be shown, after the access check."""
    if not minutes.names_allowed:
        return minutes
    named = [i for i in minutes.items if i.case and i.case.identified and not i.anonymous]
    names = disclosure.names_for_minutes(
        session,
        access=access,
        day=minutes.day,
        cases=[i.case for i in named if i.case],
        crypto=crypto,
        actor=actor,
    )
    for item in named:
        if item.case and item.case.id is not None:
            item.names = names.get(item.case.id, [])
    return minutes


def load(session: Session, *, access: SeriesAccess, meeting: Meeting) -> Minutes:
    """The full minutes of the meeting as recorded now (without names)."""
    series = access.series
    live = live_queries.load(session, access=access, meeting=meeting)
    organisations = {o.id: o.name for o in session.exec(select(Organisation)).all()}
    people = {u.id: u.name for u in live.people}
    open_tasks = session.exec(
        select(Task, Case)
        .join(Case, col(Case.id) == Task.case_id, isouter=True)
        .where(Task.series_id == series.id, Task.status == TaskStatus.OPEN)
        .order_by(col(Task.due_on), col(Task.id))
    ).all()
    cases = {case.id: case for _, case in open_tasks if case is not None}
    cases |= {live_item.case.id: live_item.case for live_item in live.items if live_item.case}

    def line(task: Task) -> TaskLine:
        case = cases.get(task.case_id) if task.case_id else None
        return TaskLine(
            task=task,
            case_label=f"{case.reference} {case.pseudonym}" if case else "algemeen",
            organisation=organisations.get(task.assignee_organisation_id, ""),
            person=people.get(task.assignee_user_id) if task.assignee_user_id else None,
        )

    attending = {
        a.attendance.id: f"{a.name} ({a.organisation})" for a in live.attendees if a.attendance
    }
    items = []
    for number, live_item in enumerate(live.items, start=1):
        case, record = live_item.case, live_item.record
        anonymous = (
            record.discussed_anonymously
            if record.discussed_anonymously is not None
            else live_item.anonymous
        )
        owner = None
        if case and case.owner_organisation_id:
            owner = organisations.get(case.owner_organisation_id, "")
            if case.owner_user_id in people:
                owner += f" ({people[case.owner_user_id]})"
        items.append(
            MinutesItem(
                number=number,
                item=live_item.item,
                record=record,
                case=case,
                anonymous=bool(case and case.identified and anonymous),
                submitted_by=organisations.get(case.submitting_organisation_id) if case else None,
                owner=owner,
                contributions=[
                    (organisations.get(organisation_id, ""), contribution)
                    for organisation_id, contribution in sorted(live_item.contributions.items())
                    if contribution.text.strip()
                ],
                tasks=[line(t) for t in live_item.new_tasks],
                earlier_tasks=[line(t) for t in live_item.earlier_tasks],
                left_room=sorted(attending[i] for i in live_item.left_room),
            )
        )
    members = session.exec(
        select(User, SeriesMember)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series.id)
        .order_by(col(User.name))
    ).all()
    chairs = {u.organisation_id for u, m in members if m.role in CHAIRING}
    allowed = series.names_in_minutes and _recipients_covered(session, series, live.day, chairs)
    per_organisation: dict[str, list[TaskLine]] = {}
    for task, _ in open_tasks:
        organisation = organisations.get(task.assignee_organisation_id, "")
        per_organisation.setdefault(organisation, []).append(line(task))
    return Minutes(
        kind=Kind.FULL,
        series=series,
        meeting=meeting,
        day=live.day,
        chairs=[u.name for u, m in members if m.role == MemberRole.CHAIR],
        minute_taker=next((u.name for u, m in members if m.role == MemberRole.SECRETARY), None),
        covenant=covenant_queries.covenant_title(session, covenant_id=series.covenant_id),
        attendance=_attendance(live),
        items=items,
        open_tasks=sorted(per_organisation.items()),
        names_allowed=allowed,
    )
