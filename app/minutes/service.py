"""Use cases of the verslag: concept, vaststellen, correcties, and who gets which copy."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit, pdf, watermark
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases.models import Case
from app.db import utcnow
from app.errors import DomainError
from app.mail import service as mail_service
from app.meetings import queries as live_queries
from app.meetings import service as live_service
from app.meetings.models import Presence
from app.minutes import queries
from app.minutes.models import MinutesDocument, MinutesVersion
from app.minutes.queries import Kind, Minutes
from app.overleg.deps import SeriesAccess
from app.overleg.invitations import SIGNATURE, MailContext, describe
from app.overleg.models import Meeting, MeetingStatus, MemberRole, SeriesMember
from app.overleg.schedule import local
from app.security import permissions
from app.security.crypto import CaseCrypto
from app.users.models import User

RECORDED = (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED, MeetingStatus.MINUTES_FINAL)
FILE_PREFIXES = {Kind.FULL: "verslag", Kind.EXCERPT: "uittreksel", Kind.ACTIONS: "acties"}


class Reader:
    """What the current user may read of this meeting's minutes; whether they attended is
    looked up once, and only when the answer depends on it."""

    def __init__(self, session: Session, access: SeriesAccess, meeting: Meeting) -> None:
        self._session, self._meeting = session, meeting
        self.access = access

    @cached_property
    def _attended_covered(self) -> bool:
        return self._meeting.status in RECORDED and live_queries.attended_covered(
            self._session, access=self.access, meeting=self._meeting
        )

    @property
    def minutes(self) -> bool:
        return permissions.can_read_minutes(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
        )

    def excerpt(self, submitting_organisation_id: int) -> bool:
        return permissions.can_read_excerpt(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
            submitting_organisation_id=submitting_organisation_id,
        )

    def actions(self, organisation_id: int) -> bool:
        return permissions.can_read_actions(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
            organisation_id=organisation_id,
        )


@dataclass(frozen=True)
class Excerpt:
    """Where this casus was discussed, for a link to its uittreksel."""

    meeting: Meeting
    item_id: int


def excerpts_of_case(session: Session, *, access: SeriesAccess, case: Case) -> list[Excerpt]:
    """The uittreksels about this casus that the user may download, oldest meeting first."""
    rows = session.exec(
        select(Meeting, AgendaItem.id)
        .join(AgendaItem, col(AgendaItem.meeting_id) == Meeting.id)
        .where(AgendaItem.case_id == case.id, col(Meeting.status).in_(RECORDED))
        .order_by(col(Meeting.starts_at))
    ).all()
    return [
        Excerpt(meeting=meeting, item_id=item_id)
        for meeting, item_id in rows
        if Reader(session, access, meeting).excerpt(case.submitting_organisation_id)
    ]


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes


def versions(session: Session, *, meeting: Meeting) -> list[MinutesVersion]:
    """The vastgestelde versions, newest first."""
    return list(
        session.exec(
            select(MinutesVersion)
            .where(MinutesVersion.meeting_id == meeting.id)
            .order_by(col(MinutesVersion.number).desc())
        ).all()
    )


def _render(
    minutes: Minutes,
    *,
    concept: bool,
    status_line: str,
    correction_reason: str | None = None,
) -> str:
    meeting_day = local(minutes.meeting.starts_at).strftime("%d-%m-%Y")
    title = f"{minutes.series.name}, {meeting_day}"
    return pdf.render_html(
        "print/minutes.html",
        {
            "minutes": minutes,
            "local": local,
            "concept": concept,
            "status_line": status_line,
            "correction_reason": correction_reason,
            "document_title": f"{FILE_PREFIXES[minutes.kind].capitalize()} {title}",
            "document_subject": "Vertrouwelijk verslag van een casusoverleg",
        },
    )


def concept_html(minutes: Minutes) -> str:
    return _render(
        minutes,
        concept=True,
        status_line="CONCEPT: nog niet vastgesteld door de voorzitter",
    )


def _stamp_lines(by: Actor, at: datetime, superseded_by: int | None = None) -> list[str]:
    user = by.user
    assert user is not None
    lines = [
        f"Gedownload door {user.name} ({by.organisation_name or user.organisation.name}) "
        f"op {local(at):%d-%m-%Y %H:%M}. Vertrouwelijk: niet verder verspreiden."
    ]
    if superseded_by is not None:
        lines.insert(0, f"VERVANGEN: er is een nieuwere versie ({superseded_by}) van dit verslag.")
    return lines


def _log_download(
    session: Session, *, meeting: Meeting, by: Actor, kind: str, which: str, subject: str = ""
) -> None:
    audit.record(
        session,
        action="verslag.gedownload",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
        context=kind,
        detail={"versie": which, "onderwerp": subject},
    )
    session.commit()


def _filename(minutes: Minutes, which: str) -> str:
    day = local(minutes.meeting.starts_at).strftime("%Y-%m-%d")
    subject = f"-{minutes.subject}" if minutes.kind == Kind.EXCERPT else ""
    return f"{FILE_PREFIXES[minutes.kind]}-{day}{subject}-{which}.pdf"


def download_rendered(
    session: Session, *, meeting: Meeting, minutes: Minutes, final: MinutesVersion | None, by: Actor
) -> Download:
    """A copy made from the current record (the concept, an uittreksel, an actions overview):
    CONCEPT until the minutes are vastgesteld; watermarked with the downloader; logged."""
    if final is None:
        html = concept_html(minutes)
        which = "concept"
    else:
        html = _render(
            minutes,
            concept=False,
            status_line=f"Uit het vastgestelde verslag, versie {final.number} "
            f"(SHA-256 {final.sha256[:16]}…)",
        )
        which = f"versie-{final.number}"
    filename, lines = _filename(minutes, which), _stamp_lines(by, utcnow())
    # The read is done: end the transaction before the render, so no lock is held meanwhile.
    session.commit()
    stamped = watermark.stamp(pdf.pdf_of(html), lines)
    _log_download(
        session, meeting=meeting, by=by, kind=minutes.kind, which=which, subject=minutes.subject
    )
    return Download(filename=filename, content=stamped)


def download_version(
    session: Session, *, meeting: Meeting, number: int, by: Actor
) -> Download | None:
    """The stored PDF of a vastgestelde version with the downloader's watermark appended (the
    stored file and its hash stay as they are); None when there is no such version."""
    latest = (
        select(func.max(MinutesVersion.number))
        .where(MinutesVersion.meeting_id == meeting.id)
        .scalar_subquery()
    )
    row = session.exec(
        select(MinutesDocument.content, latest)
        .join(MinutesVersion, col(MinutesVersion.id) == MinutesDocument.version_id)
        .where(MinutesVersion.meeting_id == meeting.id, MinutesVersion.number == number)
    ).first()
    if row is None:
        return None
    content, newest = row
    superseded_by = newest if number < newest else None
    stamped = watermark.stamp(content, _stamp_lines(by, utcnow(), superseded_by))
    day = local(meeting.starts_at).strftime("%Y-%m-%d")
    _log_download(session, meeting=meeting, by=by, kind=Kind.FULL, which=f"versie-{number}")
    return Download(filename=f"verslag-{day}-versie-{number}.pdf", content=stamped)


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


def _check_complete(session: Session, meeting: Meeting) -> None:
    if live_service.missing_for_finish(session, meeting=meeting):
        raise DomainError(
            "Nog niet alle casussen zijn compleet (casus-eigenaar of uitkomst, vervolgstap, "
            "informering); vul ze aan op de pagina van de bijeenkomst.",
            field="finalise",
        )


def finalise(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    by: Actor,
    mail: MailContext,
) -> MinutesVersion:
    """'Verslag vaststellen': store exactly this PDF with its SHA-256 as version 1, immutable."""
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
    _check_complete(session, meeting)
    return _store(session, access=access, meeting=meeting, crypto=crypto, by=by, mail=mail)


def correct(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    reason: str,
    by: Actor,
    mail: MailContext,
) -> MinutesVersion:
    """A correction of vastgestelde minutes: the next version, with its reason; the earlier
    versions stay as they are, marked as superseded when downloaded."""
    if meeting.status != MeetingStatus.MINUTES_FINAL:
        raise DomainError("Er is nog geen vastgesteld verslag om te corrigeren.", field="reason")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise DomainError("Geef de reden van de correctie (minstens 5 tekens).", field="reason")
    if len(reason) > 1000:
        raise DomainError("De reden is te lang (hooguit 1000 tekens).", field="reason")
    _check_complete(session, meeting)
    return _store(
        session, access=access, meeting=meeting, crypto=crypto, by=by, mail=mail, reason=reason
    )


def _store(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    by: Actor,
    mail: MailContext,
    reason: str | None = None,
) -> MinutesVersion:
    user = by.user
    assert user is not None
    previous = versions(session, meeting=meeting)
    number = previous[0].number + 1 if previous else 1
    at = utcnow()
    minutes = queries.load(session, access=access, meeting=meeting, crypto=crypto, actor=by)
    html = _render(
        minutes,
        concept=False,
        status_line=f"Vastgesteld op {local(at):%d-%m-%Y %H:%M} door {user.name}, versie {number}",
        correction_reason=f"versie {number} vervangt versie {number - 1}: {reason}"
        if reason
        else None,
    )
    meeting_id, status = meeting.id, meeting.status
    session.commit()
    content = pdf.pdf_of(html)
    # Written in one transaction, and only if nobody finalised or corrected in the meantime.
    claimed = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting_id, col(Meeting.status) == status)
        .values(status=MeetingStatus.MINUTES_FINAL)
    )
    stored = MinutesVersion(
        meeting_id=meeting_id,
        number=number,
        sha256=pdf.sha256(content),
        size=len(content),
        correction_reason=reason,
        finalised_at=at,
        finalised_by_user_id=user.id,
        finalised_by_name=user.name,
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise _overtaken(reason)
    try:
        session.add(stored)
        session.flush()
        session.add(MinutesDocument(version_id=stored.id, content=content))
        audit.record(
            session,
            action="verslag.gecorrigeerd" if reason else "verslag.vastgesteld",
            actor=by,
            object_type="bijeenkomst",
            object_id=meeting_id,
            detail={"versie": number, "sha256": stored.sha256},
        )
        _notify(session, access=access, meeting=meeting, number=number, mail=mail)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise _overtaken(reason) from exc
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
