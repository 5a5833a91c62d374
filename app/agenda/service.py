"""Use cases for the agenda: add items, put them in order, and freeze it."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.agenda.models import AgendaItem, AgendaItemCreate, AgendaItemKind
from app.audit import Actor
from app.cases.models import Case, Urgency
from app.errors import DomainError
from app.overleg import invitations
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus

EDITABLE = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN, MeetingStatus.IN_PROGRESS)


def agenda_of(session: Session, *, meeting_id: int) -> list[AgendaItem]:
    """A meeting's agenda in order."""
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).all()
    )


def spoed_cases(session: Session, *, meeting_id: int) -> set[int]:
    """The casussen on a meeting's agenda with urgency spoed (marked on the agenda)."""
    return set(
        session.exec(
            select(Case.id)
            .join(AgendaItem, col(AgendaItem.case_id) == Case.id)
            .where(AgendaItem.meeting_id == meeting_id, Case.urgency == Urgency.CRISIS)
        ).all()
    )


def _check_editable(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE:
        raise DomainError("De agenda van deze bijeenkomst kan niet meer worden gewijzigd.")


def add_item(
    session: Session,
    *,
    meeting: Meeting,
    data: AgendaItemCreate,
    by: Actor,
    kind: AgendaItemKind = AgendaItemKind.GENERAL,
) -> AgendaItem:
    """Put an item at the end of the agenda; after the agenda was frozen it is marked late."""
    _check_editable(meeting)
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    ).one()
    item = AgendaItem.model_validate(
        data,
        update={
            "meeting_id": meeting.id,
            "position": (last or 0) + 1,
            "kind": kind,
            "late": meeting.status != MeetingStatus.PLANNED,
            "added_by_user_id": by.user.id if by.user else None,
        },
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        action="agenda.punt.toegevoegd",
        actor=by,
        object_type="agendapunt",
        object_id=item.id,
        detail={"bijeenkomst": meeting.id, "te_laat": item.late},
    )
    session.commit()
    return item


def move_item(
    session: Session, *, meeting: Meeting, item: AgendaItem, offset: int, by: Actor
) -> None:
    """Swap an item with its neighbour above (offset -1) or below (+1)."""
    _check_editable(meeting)
    items = agenda_of(session, meeting_id=meeting.id)
    index = next(i for i, candidate in enumerate(items) if candidate.id == item.id)
    other = index + offset
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, ordered in enumerate(items, start=1):
        ordered.position = position
        session.add(ordered)
    audit.record(
        session,
        action="agenda.volgorde.gewijzigd",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
    )
    session.commit()


def freeze(
    session: Session, *, series: MeetingSeries, meeting: Meeting, by: Actor, mail: MailContext
) -> Meeting:
    """Fix the agenda ('agenda vastgesteld') and let the members know."""
    if meeting.status != MeetingStatus.PLANNED:
        raise DomainError("Alleen de agenda van een geplande bijeenkomst kan worden vastgesteld.")
    meeting.status = MeetingStatus.AGENDA_FROZEN
    session.add(meeting)
    invitations.announce_agenda(session, series=series, meeting=meeting, mail=mail)
    audit.record(
        session,
        action="agenda.vastgesteld",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
    )
    session.commit()
    return meeting
