"""Use cases for attendance before the meeting: who comes, who is covered, declarations."""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import audit
from app.attendance.models import Attendance, AttendanceIntention, ConfidentialityDeclaration
from app.audit import Actor
from app.covenants import coverage
from app.covenants.models import CovenantSignature, CovenantVersion, DeclarationText
from app.db import utcnow
from app.errors import DomainError
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesMember
from app.overleg.schedule import local
from app.users.models import User

OPEN = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN, MeetingStatus.IN_PROGRESS)


@dataclass(frozen=True)
class GuestDeclaration:
    """A paper declaration the chair recorded for a guest without an account."""

    declaration: ConfidentialityDeclaration
    answer: coverage.Coverage


@dataclass
class ExpectedAttendance:
    """Who is expected at a meeting, each with the coverage check for the meeting date."""

    coming: list[coverage.Coverage] = field(default_factory=list)
    undecided: list[coverage.Coverage] = field(default_factory=list)
    not_coming: list[User] = field(default_factory=list)
    guests: list[GuestDeclaration] = field(default_factory=list)
    own_answer: Attendance | None = None
    own_coverage: coverage.Coverage | None = None

    @property
    def uncovered(self) -> list[coverage.Coverage]:
        return [answer for answer in self.coming + self.undecided if not answer.covered]


def person_key(user_id: int) -> str:
    """How a user is known to the coverage check."""
    return f"gebruiker:{user_id}"


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
    guest_name: str,
    guest_organisation: str | None,
    by: Actor,
) -> ConfidentialityDeclaration:
    """The chair records a declaration a guest signed on paper."""
    text = _declaration_text_for(session, series, meeting)
    declaration = ConfidentialityDeclaration(
        meeting_id=meeting.id,
        guest_name=guest_name,
        guest_organisation=guest_organisation,
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
    declarations = session.exec(
        select(ConfidentialityDeclaration, DeclarationText)
        .join(DeclarationText)
        .where(ConfidentialityDeclaration.meeting_id == meeting.id)
    ).all()
    versions = session.exec(
        select(CovenantVersion).where(CovenantVersion.covenant_id == series.covenant_id)
    ).all()
    signatures = session.exec(
        select(CovenantSignature).where(
            col(CovenantSignature.version_id).in_([v.id for v in versions])
        )
    ).all()
    people = [coverage.Person(person_key(u.id), u.name, u.organisation_id) for u in members]
    guests = [
        coverage.Person(f"gast:{d.id}", d.guest_name or "", None)
        for d, _ in declarations
        if d.user_id is None
    ]
    grounds = [
        coverage.Declaration(
            person_key(d.user_id) if d.user_id else f"gast:{d.id}", text.version, d.signed_at
        )
        for d, text in declarations
    ]
    answers_by_key = {
        a.person.key: a
        for a in coverage.coverage_on(
            local(meeting.starts_at).date(),
            versions=versions,
            signatures=signatures,
            people=people + guests,
            declarations=grounds,
        )
    }
    result = ExpectedAttendance(
        own_answer=answers.get(viewer.id), own_coverage=answers_by_key.get(person_key(viewer.id))
    )
    for user in members:
        answer = answers_by_key[person_key(user.id)]
        match answers.get(user.id):
            case Attendance.YES:
                result.coming.append(answer)
            case Attendance.NO:
                result.not_coming.append(user)
            case _:
                result.undecided.append(answer)
    result.guests = [
        GuestDeclaration(d, answers_by_key[f"gast:{d.id}"])
        for d, _ in declarations
        if d.user_id is None
    ]
    return result
