"""Use cases of the verslag: vaststellen and correcties, the audit of every read and download;
who may read which verslag is in readers.py, rendering and watermarking in flows.py."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit, watermark
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases.models import Case
from app.dates import local_datetime
from app.errors import DomainError
from app.mail import service as mail_service
from app.meetings import queries as live_queries
from app.meetings import service as live_service
from app.meetings.models import Presence
from app.minutes.models import MinutesDocument, MinutesSnapshot, MinutesVersion
from app.overleg.access import SeriesAccess
from app.overleg.invitations import SIGNATURE, MailContext, describe
from app.overleg.models import Meeting, MeetingStatus, MemberRole, SeriesMember
from app.users.models import User


@dataclass(frozen=True)
class VersionToStore:
    """A rendered version on its way to storage, with what it was rendered from."""

    number: int
    content: bytes
    snapshot: str
    at: datetime
    meeting_status: MeetingStatus
    reason: str | None = None


def versions(session: Session, *, meeting: Meeting) -> list[MinutesVersion]:
    """The vastgestelde versions, newest first."""
    return list(
        session.exec(
            select(MinutesVersion)
            .where(MinutesVersion.meeting_id == meeting.id)
            .order_by(col(MinutesVersion.number).desc())
        ).all()
    )


def stamp_lines(by: Actor, at: datetime, superseded_by: int | None = None) -> list[str]:
    """The watermark of one downloaded copy: who, of which organisation, when. Name and
    organisation are cut (with an ellipsis) so the date and the marking always fit."""
    user = by.user
    assert user is not None
    frame = "Gedownload door {} ({})"
    rest = f" op {local_datetime(at)}. Vertrouwelijk: niet verder verspreiden."
    name, organisation = watermark.fit_pair(
        user.name,
        by.organisation_name or user.organisation.name,
        watermark.MAX_LINE_LENGTH - len(frame.format("", "")) - len(rest),
    )
    lines = [frame.format(name, organisation) + rest]
    if superseded_by is not None:
        lines.insert(0, f"VERVANGEN: er is een nieuwere versie ({superseded_by}) van dit verslag.")
    return lines


def log_download(
    session: Session, *, meeting_id: int, by: Actor, kind: str, which: str, subject: str = ""
) -> None:
    """Every download is an audit event."""
    audit.record(
        session,
        action="verslag.gedownload",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting_id,
        context=kind,
        detail={"versie": which, "onderwerp": subject},
    )
    session.commit()


@dataclass(frozen=True)
class StoredPdf:
    """A vastgestelde version whose PDF is still stored, and the newest version's number."""

    document_id: int
    sha256: str
    newest: int


def stored_version(session: Session, *, meeting: Meeting, number: int) -> StoredPdf | None:
    """Version `number` if its PDF is still stored, with the newest number, in one statement
    that leaves the bytes in the database (see stored_pdf)."""
    latest = (
        select(func.max(MinutesVersion.number))
        .where(MinutesVersion.meeting_id == meeting.id)
        .scalar_subquery()
    )
    row = session.exec(
        select(MinutesDocument.id, MinutesVersion.sha256, latest)
        .join(MinutesVersion, col(MinutesVersion.id) == MinutesDocument.version_id)
        .where(MinutesVersion.meeting_id == meeting.id, MinutesVersion.number == number)
    ).first()
    return StoredPdf(document_id=row[0], sha256=row[1], newest=row[2]) if row else None


def stored_pdf(session: Session, *, document_id: int) -> bytes:
    """The stored bytes of a version's PDF."""
    return session.exec(
        select(MinutesDocument.content).where(MinutesDocument.id == document_id)
    ).one()


def read_on_screen(session: Session, *, meeting: Meeting, by: Actor) -> None:
    """The HTML view is a read of the minutes like a download."""
    audit.record(
        session,
        action="verslag.ingezien",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
        context="scherm",
    )
    session.commit()


def missing(session: Session, *, meeting: Meeting) -> list[live_service.Missing]:
    """What keeps a finished meeting's minutes from being vastgesteld."""
    if meeting.status != MeetingStatus.FINISHED:
        return []
    return live_service.missing_for_finish(session, meeting=meeting)


def _check_complete(session: Session, meeting: Meeting, field: str) -> None:
    if live_service.missing_for_finish(session, meeting=meeting):
        raise DomainError(
            "Nog niet alle casussen zijn compleet (casus-eigenaar of uitkomst, vervolgstap, "
            "informering); vul ze aan op de pagina van de bijeenkomst.",
            field=field,
        )


def check_finalisable(session: Session, *, meeting: Meeting) -> None:
    """'Verslag vaststellen' only for a finished meeting whose casussen are complete."""
    if meeting.status == MeetingStatus.MINUTES_FINAL:
        raise DomainError(
            "Het verslag is al vastgesteld. Een wijziging wordt een nieuwe versie met een reden.",
            field="finalise",
        )
    if meeting.status != MeetingStatus.FINISHED:
        raise DomainError(
            "Het verslag kan pas worden vastgesteld als de bijeenkomst is afgerond.",
            field="finalise",
        )
    _check_complete(session, meeting, "finalise")


def check_correction(session: Session, *, meeting: Meeting, reason: str) -> str:
    """A correction needs vastgestelde minutes and a reason; the reason, tidied."""
    if meeting.status != MeetingStatus.MINUTES_FINAL:
        raise DomainError("Er is nog geen vastgesteld verslag om te corrigeren.", field="reason")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise DomainError("Geef de reden van de correctie (minstens 5 tekens).", field="reason")
    if len(reason) > 1000:
        raise DomainError("De reden is te lang (hooguit 1000 tekens).", field="reason")
    _check_complete(session, meeting, "reason")
    return reason


def next_number(session: Session, *, meeting: Meeting) -> int:
    """The number the next vastgestelde version gets."""
    latest = session.exec(
        select(func.max(MinutesVersion.number)).where(MinutesVersion.meeting_id == meeting.id)
    ).one()
    return (latest or 0) + 1


def store_version(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    version: VersionToStore,
    by: Actor,
    mail: MailContext,
) -> MinutesVersion:
    """Store exactly this PDF with its SHA-256 and the record it was rendered from, immutable,
    in one transaction, and only if nobody finalised or corrected in the meantime; then tell
    the readers."""
    user = by.user
    assert user is not None
    claimed = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting.id, col(Meeting.status) == version.meeting_status)
        .values(status=MeetingStatus.MINUTES_FINAL)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise _overtaken(version.reason)
    stored = MinutesVersion(
        meeting_id=meeting.id,
        number=version.number,
        sha256=hashlib.sha256(version.content).hexdigest(),
        size=len(version.content),
        correction_reason=version.reason,
        finalised_at=version.at,
        finalised_by_user_id=user.id,
        finalised_by_name=user.name,
    )
    try:
        session.add(stored)
        session.flush()
        session.add(MinutesDocument(version_id=stored.id, content=version.content))
        session.add(MinutesSnapshot(version_id=stored.id, content=version.snapshot))
        audit.record(
            session,
            action="verslag.gecorrigeerd" if version.reason else "verslag.vastgesteld",
            actor=by,
            object_type="bijeenkomst",
            object_id=meeting.id,
            detail={"versie": version.number, "sha256": stored.sha256},
        )
        _notify(session, access=access, meeting=meeting, number=version.number, mail=mail)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise _overtaken(version.reason) from exc
    session.refresh(meeting)
    return stored


def _overtaken(reason: str | None) -> DomainError:
    return DomainError(
        "Iemand anders heeft het verslag zojuist vastgesteld of gecorrigeerd. "
        "Bekijk de nieuwste versie.",
        field="reason" if reason else "finalise",
    )


def _notify(
    session: Session, *, access: SeriesAccess, meeting: Meeting, number: int, mail: MailContext
) -> None:
    """Tell the covered attendees and the chairs the minutes are there, and the organisations
    that brought a casus where their uittreksel is: links, nothing more."""
    attended = {
        a.user_id
        for a in live_queries.attendees(session, access=access, meeting=meeting)
        if a.user_id is not None
        and a.attendance is not None
        and a.attendance.presence == Presence.PRESENT
        and a.cover is not None
        and a.cover.covered
    }
    at_table = (SeriesMember.series_id == access.series.id) & col(User.active)
    readers = session.exec(
        select(User.email)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(
            at_table,
            col(User.id).in_(attended)
            | col(SeriesMember.role).in_([MemberRole.CHAIR, MemberRole.SECRETARY]),
        )
        .order_by(col(User.email))
    ).all()
    submitters = session.exec(
        select(User.email, Case.id)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .join(Case, col(Case.submitting_organisation_id) == User.organisation_id)
        .join(AgendaItem, col(AgendaItem.case_id) == Case.id)
        .where(at_table, AgendaItem.meeting_id == meeting.id)
        .order_by(col(User.email), col(Case.id))
    ).all()
    base = f"{mail.base_url.rstrip('/')}/overleggen/{access.series.id}"
    what = "is vastgesteld" if number == 1 else f"is gecorrigeerd (versie {number})"
    subject = f"Verslag {access.series.name} {what}"
    opening = f"Het verslag van de bijeenkomst van {describe(meeting)} {what}.\n\n"
    closing = "\n\nHet verslag is vertrouwelijk; stuur het niet door." + SIGNATURE
    mail_service.enqueue_many(
        session,
        recipients=readers,
        subject=subject,
        body=opening
        + f"U kunt het na inloggen lezen en downloaden:\n{base}/bijeenkomsten/{meeting.id}/verslag"
        + closing,
    )
    case_links: dict[str, list[str]] = {}
    for email, case_id in submitters:
        if email not in readers:
            case_links.setdefault(email, []).append(f"{base}/casussen/{case_id}")
    for email, links in case_links.items():
        mail_service.enqueue(
            session,
            to=email,
            subject=subject,
            body=opening
            + "Uw organisatie bracht daar een casus in. Het uittreksel staat bij de casus:\n"
            + "\n".join(links)
            + closing,
        )
