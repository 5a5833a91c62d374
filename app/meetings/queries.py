"""Everything the live meeting page shows, in a fixed number of statements."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, or_, select

from app import audit
from app.agenda.models import AgendaItem
from app.attendance.models import ConfidentialityDeclaration
from app.audit import Actor
from app.cases.models import Case, CasePerson
from app.cases.queries import Person, decrypt_person
from app.covenants import coverage
from app.covenants import queries as covenant_queries
from app.covenants.models import CovenantSignature, CovenantVersion, DeclarationText
from app.meetings.models import (
    ItemAbsence,
    ItemContribution,
    ItemRecord,
    MeetingAttendance,
    Presence,
)
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, SeriesMember, SeriesOrganisation
from app.overleg.schedule import local
from app.security import permissions
from app.security.crypto import CaseCrypto
from app.tasks.models import Task, TaskStatus
from app.users.models import User


@dataclass
class Attendee:
    attendance: MeetingAttendance | None
    name: str
    organisation: str
    user_id: int | None
    organisation_id: int | None
    cover: coverage.Coverage | None = None


@dataclass
class LiveItem:
    item: AgendaItem
    record: ItemRecord
    contributions: dict[int, ItemContribution]
    case: Case | None
    people: list[Person] | None
    anonymous: bool
    left_room: set[int]
    new_tasks: list[Task] = field(default_factory=list)
    earlier_tasks: list[Task] = field(default_factory=list)


@dataclass
class LiveMeeting:
    meeting: Meeting
    day: date
    attendees: list[Attendee]
    items: list[LiveItem]
    organisations: list[Organisation]
    people: list[User]
    general_tasks: list[Task]

    @property
    def uncovered_present(self) -> list[Attendee]:
        return [
            a
            for a in self.attendees
            if a.attendance is not None
            and a.attendance.presence == Presence.PRESENT
            and a.cover
            and not a.cover.covered
        ]

    @property
    def anonymous_item_ids(self) -> set[int]:
        return {live.item.id for live in self.items if live.anonymous}


def attendance_rows(session: Session, *, meeting: Meeting) -> list[MeetingAttendance]:
    """Who was registered at the meeting (members and guests)."""
    return list(
        session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
    )


def series_organisations(session: Session, access: SeriesAccess) -> dict[int, Organisation]:
    """The member organisations of the overleg, by id, in name order."""
    return {
        o.id: o
        for o in session.exec(
            select(Organisation)
            .join(SeriesOrganisation)
            .where(SeriesOrganisation.series_id == access.series.id)
            .order_by(col(Organisation.name))
        ).all()
    }


def attendees(session: Session, *, access: SeriesAccess, meeting: Meeting) -> list[Attendee]:
    """Everyone at (or missing from) the meeting, with their coverage on the meeting day."""
    organisations = series_organisations(session, access)
    return _attendees(session, access, meeting, organisations, local(meeting.starts_at).date())


def attended_covered(session: Session, *, access: SeriesAccess, meeting: Meeting) -> bool:
    """Whether the current user was present at the meeting and covered on its day."""
    covenant_of = {access.series.id: access.series.covenant_id}
    attended = attended_covered_at(
        session, user=access.user, meetings=[meeting], covenant_of=covenant_of
    )
    return meeting.id in attended


def attended_covered_at(
    session: Session, *, user: User, meetings: Sequence[Meeting], covenant_of: Mapping[int, int]
) -> set[int]:
    """Of these meetings, the ids of those where the user was present and covered on the day
    by the covenant of its overleg (`covenant_of`: overleg id to covenant id); at most four
    statements however many meetings."""
    present = set(
        session.exec(
            select(MeetingAttendance.meeting_id).where(
                col(MeetingAttendance.meeting_id).in_([m.id for m in meetings]),
                MeetingAttendance.user_id == user.id,
                MeetingAttendance.presence == Presence.PRESENT,
            )
        ).all()
    )
    if not present:
        return set()
    versions = session.exec(
        select(CovenantVersion).where(
            col(CovenantVersion.covenant_id).in_(set(covenant_of.values()))
        )
    ).all()
    signatures = session.exec(
        select(CovenantSignature).where(
            CovenantSignature.organisation_id == user.organisation_id,
            col(CovenantSignature.version_id).in_([v.id for v in versions]),
        )
    ).all()
    declared = session.exec(
        select(ConfidentialityDeclaration, DeclarationText)
        .join(DeclarationText)
        .where(
            col(ConfidentialityDeclaration.meeting_id).in_(present),
            ConfidentialityDeclaration.user_id == user.id,
        )
    ).all()
    person = coverage.Person("aanwezig", user.name, user.organisation_id)
    covered = set()
    for meeting in meetings:
        if meeting.id not in present:
            continue
        grounds = [
            coverage.Declaration(person.key, text.version, declaration.signed_at)
            for declaration, text in declared
            if declaration.meeting_id == meeting.id
        ]
        own = [v for v in versions if v.covenant_id == covenant_of[meeting.series_id]]
        day = local(meeting.starts_at).date()
        [answer] = coverage.coverage_on(
            day, versions=own, signatures=signatures, people=[person], declarations=grounds
        )
        if answer.covered and meeting.id is not None:
            covered.add(meeting.id)
    return covered


def _attendees(
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    organisations: dict[int, Organisation],
    day: date,
) -> list[Attendee]:
    members = session.exec(
        select(User)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == access.series.id)
        .order_by(col(User.name))
    ).all()
    rows = attendance_rows(session, meeting=meeting)
    by_user = {row.user_id: row for row in rows if row.user_id}
    attendees = [
        Attendee(by_user.get(u.id), u.name, u.organisation.name, u.id, u.organisation_id)
        for u in members
    ]
    attendees += [
        Attendee(
            row,
            row.guest_name or "",
            organisations[row.guest_organisation_id].name
            if row.guest_organisation_id in organisations
            else "gast",
            None,
            row.guest_organisation_id,
        )
        for row in rows
        if row.user_id is None
    ]
    _check_coverage(session, access, meeting, attendees, day)
    return attendees


def _check_coverage(
    session: Session, access: SeriesAccess, meeting: Meeting, attendees: list[Attendee], day: date
) -> None:
    """Coverage on the meeting day for the people actually there (rule 1)."""
    versions = session.exec(
        select(CovenantVersion).where(CovenantVersion.covenant_id == access.series.covenant_id)
    ).all()
    signatures = session.exec(
        select(CovenantSignature).where(
            col(CovenantSignature.version_id).in_([v.id for v in versions])
        )
    ).all()
    declared = session.exec(
        select(ConfidentialityDeclaration, DeclarationText)
        .join(DeclarationText)
        .where(ConfidentialityDeclaration.meeting_id == meeting.id)
    ).all()
    guest_names = {
        (d.guest_name or "").casefold(): (d, t) for d, t in declared if d.user_id is None
    }
    people, grounds = [], []
    for index, attendee in enumerate(attendees):
        key = f"aanwezig:{index}"
        people.append(coverage.Person(key, attendee.name, attendee.organisation_id))
        for declaration, text in declared:
            if declaration.user_id == attendee.user_id and attendee.user_id is not None:
                grounds.append(coverage.Declaration(key, text.version, declaration.signed_at))
        if attendee.user_id is None and attendee.name.casefold() in guest_names:
            declaration, text = guest_names[attendee.name.casefold()]
            grounds.append(coverage.Declaration(key, text.version, declaration.signed_at))
    answers = coverage.coverage_on(
        day, versions=versions, signatures=signatures, people=people, declarations=grounds
    )
    for attendee, answer in zip(attendees, answers, strict=True):
        attendee.cover = answer


def load(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    actor: Actor,
    reveal: bool = True,
) -> LiveMeeting:
    """The meeting with its attendees, coverage and every item; identified data is shown only
    where nobody uncovered is in the room, and only to a viewer who may see it (logged).
    Without `reveal` nothing is decrypted or logged: for deciding, not for showing."""
    day = local(meeting.starts_at).date()
    organisations = series_organisations(session, access)
    attendees = _attendees(session, access, meeting, organisations, day)
    uncovered = {
        a.attendance.id
        for a in attendees
        if a.attendance
        and a.cover
        and a.attendance.presence == Presence.PRESENT
        and not a.cover.covered
    }
    items = session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    item_ids = [i.id for i in items]
    records = {
        r.agenda_item_id: r
        for r in session.exec(
            select(ItemRecord).where(col(ItemRecord.agenda_item_id).in_(item_ids))
        ).all()
    }
    contributions = session.exec(
        select(ItemContribution).where(col(ItemContribution.agenda_item_id).in_(item_ids))
    ).all()
    absences = session.exec(
        select(ItemAbsence).where(col(ItemAbsence.agenda_item_id).in_(item_ids))
    ).all()
    case_ids = [i.case_id for i in items if i.case_id]
    cases = {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_(case_ids))).all()}
    tasks = session.exec(
        select(Task)
        .where(
            or_(
                Task.meeting_id == meeting.id,
                col(Task.case_id).in_(case_ids)
                & (Task.meeting_id != meeting.id)
                & or_(Task.status == TaskStatus.OPEN, Task.reviewed_at_meeting_id == meeting.id),
                col(Task.case_id).is_(None)
                & (Task.series_id == access.series.id)
                & (Task.meeting_id != meeting.id)
                & (Task.status == TaskStatus.OPEN),
            )
        )
        .order_by(col(Task.id))
    ).all()
    agreed_here: dict[int | None, list[Task]] = {}
    earlier: dict[int | None, list[Task]] = {}
    for task in tasks:
        if task.meeting_id == meeting.id:
            agreed_here.setdefault(task.agenda_item_id, []).append(task)
        elif task.case_id is not None:
            earlier.setdefault(task.case_id, []).append(task)
    live_items = []
    for item in items:
        left = {a.attendance_id for a in absences if a.agenda_item_id == item.id}
        case = cases.get(item.case_id) if item.case_id else None
        anonymous = bool(case and case.identified and uncovered - left)
        live_items.append(
            LiveItem(
                item=item,
                record=records.get(item.id) or ItemRecord(agenda_item_id=item.id),
                contributions={
                    c.organisation_id: c for c in contributions if c.agenda_item_id == item.id
                },
                case=case,
                people=None,
                anonymous=anonymous,
                left_room=left,
                new_tasks=agreed_here.get(item.id, []),
                earlier_tasks=earlier.get(case.id, []) if case else [],
            )
        )
    if reveal:
        _reveal(session, access, live_items, crypto, actor, day)
    general = [t for t in tasks if t.case_id is None and t.meeting_id != meeting.id]
    people = session.exec(
        select(User)
        .where(col(User.organisation_id).in_(list(organisations)), col(User.active))
        .order_by(col(User.name))
    ).all()
    return LiveMeeting(
        meeting, day, attendees, live_items, list(organisations.values()), list(people), general
    )


def _reveal(
    session: Session,
    access: SeriesAccess,
    items: list[LiveItem],
    crypto: CaseCrypto,
    actor: Actor,
    day: date,
) -> None:
    """Decrypt the persons of the items that may be shown, in one query, with one log line each."""
    covered = covenant_queries.organisation_covered(
        session,
        covenant_id=access.series.covenant_id,
        organisation_id=access.user.organisation_id,
        day=day,
    )
    shown = [
        live
        for live in items
        if live.case
        and live.case.identified
        and not live.anonymous
        and permissions.can_see_identified(
            access.user,
            access.membership,
            covered=covered,
            submitting_organisation_id=live.case.submitting_organisation_id,
        )
    ]
    if not shown:
        return
    rows = session.exec(
        select(CasePerson)
        .where(col(CasePerson.case_id).in_([live.case.id for live in shown if live.case]))
        .order_by(col(CasePerson.position))
    ).all()
    for live in shown:
        assert live.case is not None
        live.people = [decrypt_person(crypto, r) for r in rows if r.case_id == live.case.id]
        audit.record(
            session,
            action="casus.identificerend.ingezien",
            actor=actor,
            object_type="casus",
            object_id=live.case.id,
            context="live bijeenkomst",
        )
    session.commit()
