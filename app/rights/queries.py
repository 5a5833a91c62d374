"""Reads for the register and the inzage-overzicht: never commit, never decrypt (the persons come
from the disclosure module)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.audit import AuditEvent
from app.cases.disclosure import READ
from app.cases.models import Case
from app.dates import short_date
from app.meetings.models import ItemContribution, ItemRecord
from app.organisations.models import Organisation
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.rights.models import OverviewRedaction, RequestStatus, RightsRequest
from app.tasks.models import Task
from app.users.models import User


def register(session: Session) -> Sequence[RightsRequest]:
    """Every request, open ones first, nearest deadline first."""
    return session.exec(
        select(RightsRequest).order_by(
            col(RightsRequest.status) != RequestStatus.OPEN,
            col(RightsRequest.deadline),
            col(RightsRequest.id),
        )
    ).all()


def overdue(session: Session, *, day: date) -> Sequence[RightsRequest]:
    """Open requests whose term has passed on the day."""
    return session.exec(
        select(RightsRequest)
        .where(RightsRequest.status == RequestStatus.OPEN, col(RightsRequest.deadline) < day)
        .order_by(col(RightsRequest.deadline))
    ).all()


def redactions(session: Session, *, request_id: int) -> dict[str, str]:
    """The parts left out of the overzicht: part key -> reason."""
    rows = session.exec(
        select(OverviewRedaction).where(OverviewRedaction.request_id == request_id)
    ).all()
    return {row.part: row.reason for row in rows}


@dataclass(frozen=True)
class Part:
    """A part of the overzicht the FG may leave out: its key, heading and text."""

    key: str
    heading: str
    text: str


@dataclass(frozen=True)
class Access:
    """A read of the person's identified data: no employee names (CJEU C-579/21)."""

    occurred_at: datetime
    organisation: str
    role: str
    context: str


@dataclass
class CaseContent:
    """What the overzicht holds about one casus besides the person."""

    case: Case
    series_name: str
    submitted_by: str
    contributions: list[Part] = field(default_factory=list)
    decisions: list[Part] = field(default_factory=list)
    tasks: list[Part] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)

    @property
    def parts(self) -> list[Part]:
        return [*self.contributions, *self.decisions, *self.tasks]


def case_contents(session: Session, *, case_ids: Sequence[int]) -> list[CaseContent]:
    """The casussen with their contributions, decisions, tasks and every logged read of their
    identified data, in a fixed number of statements."""
    rows = session.exec(
        select(Case, MeetingSeries.name, Organisation.name)
        .join(MeetingSeries, col(MeetingSeries.id) == Case.series_id)
        .join(Organisation, col(Organisation.id) == Case.submitting_organisation_id)
        .where(col(Case.id).in_(case_ids))
        .order_by(col(Case.submitted_at))
    ).all()
    contents = {case.id: CaseContent(case, series, org) for case, series, org in rows}
    _add_contributions(session, contents)
    _add_decisions(session, contents)
    _add_tasks(session, contents)
    _add_accesses(session, contents)
    return list(contents.values())


def _add_contributions(session: Session, contents: dict[int | None, CaseContent]) -> None:
    rows = session.exec(
        select(ItemContribution, AgendaItem.case_id, Meeting.starts_at, Organisation.name)
        .join(AgendaItem, col(AgendaItem.id) == ItemContribution.agenda_item_id)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .join(Organisation, col(Organisation.id) == ItemContribution.organisation_id)
        .where(col(AgendaItem.case_id).in_(list(contents)), ItemContribution.text != "")
        .order_by(col(Meeting.starts_at), col(ItemContribution.id))
    ).all()
    for contribution, case_id, starts_at, organisation in rows:
        basis = contribution.legal_basis or "niet vastgelegd"
        heading = f"{organisation}, bijeenkomst {short_date(starts_at)} (grondslag: {basis})"
        part = Part(f"bijdrage-{contribution.id}", heading, contribution.text)
        contents[case_id].contributions.append(part)


def _add_decisions(session: Session, contents: dict[int | None, CaseContent]) -> None:
    rows = session.exec(
        select(ItemRecord, AgendaItem.case_id, Meeting.starts_at)
        .join(AgendaItem, col(AgendaItem.id) == ItemRecord.agenda_item_id)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .where(col(AgendaItem.case_id).in_(list(contents)), ItemRecord.decisions != "")
        .order_by(col(Meeting.starts_at))
    ).all()
    for record, case_id, starts_at in rows:
        heading = f"Bijeenkomst {short_date(starts_at)}"
        contents[case_id].decisions.append(Part(f"besluit-{record.id}", heading, record.decisions))


def _add_tasks(session: Session, contents: dict[int | None, CaseContent]) -> None:
    rows = session.exec(
        select(Task, Organisation.name)
        .join(Organisation, col(Organisation.id) == Task.assignee_organisation_id)
        .where(col(Task.case_id).in_(list(contents)))
        .order_by(col(Task.due_on), col(Task.id))
    ).all()
    for task, organisation in rows:
        heading = f"{organisation}, uiterlijk {short_date(task.due_on)} ({task.status})"
        contents[task.case_id].tasks.append(Part(f"taak-{task.id}", heading, task.description))


def _add_accesses(session: Session, contents: dict[int | None, CaseContent]) -> None:
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.action == READ,
            AuditEvent.object_type == "casus",
            col(AuditEvent.object_id).in_([str(case_id) for case_id in contents]),
        )
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    ).all()
    roles = _roles(session, {e.actor_user_id for e in events if e.actor_user_id is not None})
    for event in events:
        case = contents[int(event.object_id or 0)].case
        role = roles.get((event.actor_user_id, case.series_id)) or roles.get(
            (event.actor_user_id, None), "onbekend"
        )
        access = Access(
            occurred_at=event.occurred_at,
            organisation=event.actor_organisation or "onbekend",
            role=role,
            context=event.context or "",
        )
        contents[case.id].accesses.append(access)


def _roles(session: Session, user_ids: set[int]) -> dict[tuple[int | None, int | None], str]:
    """The role each reader has at an overleg's table, or else as a user (beheerder, FG,
    deelnemer): the role, never the person's name."""
    members = session.exec(select(SeriesMember).where(col(SeriesMember.user_id).in_(user_ids)))
    roles: dict[tuple[int | None, int | None], str] = {
        (member.user_id, member.series_id): str(member.role) for member in members
    }
    for user in session.exec(select(User).where(col(User.id).in_(user_ids))).all():
        roles[(user.id, None)] = ", ".join(user.role_labels) or "gebruiker"
    return roles
