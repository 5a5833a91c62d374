"""Use cases for attendance before the meeting: who comes, who is covered, declarations."""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import audit
from app.attendance.models import Attendance, AttendanceIntention, ConfidentialityDeclaration
from app.audit import Actor
from app.covenants import coverage
from app.covenants import queries as covenant_queries
from app.covenants.models import DeclarationText
from app.db import utcnow
from app.errors import DomainError
from app.meetings.models import MeetingAttendance, Presence
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesMember
from app.overleg.schedule import local
from app.users.models import User

OPEN = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN, MeetingStatus.IN_PROGRESS)


@dataclass(frozen=True)
class GuestDeclaration:
    """A declaration a guest at the table signed, and the guest's coverage."""

    declaration: ConfidentialityDeclaration
    guest: MeetingAttendance
    answer: coverage.Coverage


@dataclass
class ExpectedAttendance:
    """Who is expected at a meeting, each with the coverage check for the meeting date."""

    coming: list[coverage.Coverage] = field(default_factory=list)
    undecided: list[coverage.Coverage] = field(default_factory=list)
    not_coming: list[User] = field(default_factory=list)
    guests: list[GuestDeclaration] = field(default_factory=list)
    # Paper records that matched no guest when declarations were linked to guests: they cover
    # nobody, and are listed for the chair.
    unlinked: list[ConfidentialityDeclaration] = field(default_factory=list)
    own_answer: Attendance | None = None
    own_coverage: coverage.Coverage | None = None
    # Once the meeting is held: every member with the presence the chair recorded (None when
    # nothing was recorded), in name order.
    held: list[tuple[coverage.Coverage, Presence | None]] = field(default_factory=list)
    own_presence: Presence | None = None

    @property
    def uncovered(self) -> list[coverage.Coverage]:
        return [answer for answer in self.coming + self.undecided if not answer.covered]


def set_intention(session: Session, *, meeting: Meeting, user: User, answer: Attendance) -> None:
    """Record whether the user will come (a later answer replaces the earlier one)."""
    if meeting.status not in OPEN:
        raise DomainError("Voor deze bijeenkomst kunt u zich niet meer aan- of afmelden.")
    intention = session.exec(
        select(AttendanceIntention).where(
            AttendanceIntention.meeting_id == meeting.id, AttendanceIntention.user_id == user.id
        )
    ).first() or AttendanceIntention(meeting_id=meeting.id, user_id=user.id, answer=answer)
    intention.answer = answer
    intention.answered_at = utcnow()
    session.add(intention)
    session.commit()


def current_declaration_text(session: Session) -> DeclarationText | None:
    """The newest version of the geheimhoudingsverklaring."""
    return session.exec(
        select(DeclarationText).order_by(col(DeclarationText.version).desc())
    ).first()


def _declaration_text_for(
    session: Session, series: MeetingSeries, meeting: Meeting
) -> DeclarationText:
    if not series.allow_declarations:
        raise DomainError("In dit overleg kunnen incidentele deelnemers geen verklaring tekenen.")
    if meeting.status not in OPEN:
        raise DomainError("Voor deze bijeenkomst kan geen verklaring meer worden getekend.")
    text = current_declaration_text(session)
    if text is None:
        raise DomainError("Er is nog geen tekst voor de geheimhoudingsverklaring vastgelegd.")
    return text


def sign_declaration(
    session: Session, *, series: MeetingSeries, meeting: Meeting, user: User, by: Actor
) -> ConfidentialityDeclaration:
    """The user accepts the declaration in the app: covered for this meeting only."""
    text = _declaration_text_for(session, series, meeting)
    if session.exec(
        select(ConfidentialityDeclaration.id).where(
            ConfidentialityDeclaration.meeting_id == meeting.id,
            ConfidentialityDeclaration.user_id == user.id,
        )
    ).first():
        raise DomainError("U heeft de verklaring voor deze bijeenkomst al getekend.")
    declaration = ConfidentialityDeclaration(
        meeting_id=meeting.id, user_id=user.id, text_id=text.id, recorded_by_user_id=user.id
    )
    return _store(session, declaration, by)


def record_paper_declaration(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    attendance_id: int | None,
    by: Actor,
) -> ConfidentialityDeclaration:
    """The chair records that a guest present at the meeting signed the declaration on paper."""
    text = _declaration_text_for(session, series, meeting)
    guest = session.get(MeetingAttendance, attendance_id) if attendance_id else None
    if (
        guest is None
        or guest.meeting_id != meeting.id
        or guest.user_id is not None
        or guest.presence != Presence.PRESENT
    ):
        raise DomainError(
            "Kies een gast die bij deze bijeenkomst aanwezig is.", field="attendance_id"
        )
    if session.exec(
        select(ConfidentialityDeclaration.id).where(
            ConfidentialityDeclaration.attendance_id == guest.id
        )
    ).first():
        raise DomainError("Voor deze gast is al een verklaring vastgelegd.", field="attendance_id")
    declaration = ConfidentialityDeclaration(
        meeting_id=meeting.id,
        attendance_id=guest.id,
        guest_name=guest.guest_name,
        text_id=text.id,
        on_paper=True,
        recorded_by_user_id=by.user.id if by.user else None,
    )
    return _store(session, declaration, by)


def _store(
    session: Session, declaration: ConfidentialityDeclaration, by: Actor
) -> ConfidentialityDeclaration:
    session.add(declaration)
    session.flush()
    audit.record(
        session,
        action="geheimhoudingsverklaring.getekend",
        actor=by,
        object_type="bijeenkomst",
        object_id=declaration.meeting_id,
        detail={"op_papier": declaration.on_paper},
    )
    session.commit()
    return declaration


def expected_attendance(
    session: Session, *, series: MeetingSeries, meeting: Meeting, viewer: User
) -> ExpectedAttendance:
    """Members by their answer, guests with a declaration, and the coverage of each."""
    members = session.exec(
        select(User)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series.id)
        .order_by(col(User.name))
    ).all()
    answers = dict(
        session.exec(
            select(AttendanceIntention.user_id, AttendanceIntention.answer).where(
                AttendanceIntention.meeting_id == meeting.id
            )
        ).all()
    )
    inputs = covenant_queries.coverage_inputs(
        session, covenant_ids=[series.covenant_id], meeting_ids=[meeting.id]
    )
    rows = session.exec(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    guests = {row.id: row for row in rows if row.user_id is None}
    presence = {row.user_id: row.presence for row in rows if row.user_id is not None}
    people = [
        coverage.Person(coverage.member_key(u.id), u.name, u.organisation_id) for u in members
    ]
    people += [
        coverage.Person(coverage.guest_key(g.id), g.guest_name or "", g.guest_organisation_id)
        for g in guests.values()
    ]
    answers_by_key = {
        a.person.key: a
        for a in inputs.check(
            local(meeting.starts_at).date(),
            covenant_id=series.covenant_id,
            people=people,
            meeting_id=meeting.id,
        )
    }
    result = ExpectedAttendance(
        own_answer=answers.get(viewer.id),
        own_coverage=answers_by_key.get(coverage.member_key(viewer.id)),
        own_presence=presence.get(viewer.id),
        held=[(answers_by_key[coverage.member_key(u.id)], presence.get(u.id)) for u in members],
    )
    for user in members:
        answer = answers_by_key[coverage.member_key(user.id)]
        match answers.get(user.id):
            case Attendance.YES:
                result.coming.append(answer)
            case Attendance.NO:
                result.not_coming.append(user)
            case _:
                result.undecided.append(answer)
    guest_declarations = [d for d, _ in inputs.declarations if d.user_id is None]
    result.guests = [
        GuestDeclaration(
            d, guests[d.attendance_id], answers_by_key[coverage.guest_key(d.attendance_id)]
        )
        for d in guest_declarations
        if d.attendance_id in guests
    ]
    result.unlinked = [d for d in guest_declarations if d.attendance_id is None]
    return result
