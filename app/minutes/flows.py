"""The verslag as documents: render the record to PDF (in the rendering process, with no
database transaction open meanwhile), store a vastgestelde version with what it was rendered
from, stamp downloaded copies, render the redacted versions that replace those naming a casus."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app import pdf, watermark
from app.audit import Actor
from app.dates import local_datetime, long_date
from app.db import utcnow
from app.minutes import queries, service, snapshot
from app.minutes.models import MinutesVersion
from app.minutes.queries import Kind, Minutes
from app.minutes.retention import Redaction, Replacement, StoredVersion
from app.overleg.access import SeriesAccess
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting
from app.overleg.schedule import local
from app.security.crypto import CaseCrypto

FILE_PREFIXES = {Kind.FULL: "verslag", Kind.EXCERPT: "uittreksel", Kind.ACTIONS: "acties"}
CONCEPT_STATUS = "CONCEPT: nog niet vastgesteld door de voorzitter"


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes


def minutes_html(
    minutes: Minutes,
    *,
    concept: bool,
    status_line: str = CONCEPT_STATUS,
    correction_reason: str | None = None,
) -> str:
    """The print template filled with the record (what the PDF is rendered from)."""
    title = f"{minutes.series.name}, {long_date(minutes.meeting.starts_at)}"
    return pdf.render_html(
        "print/minutes.html",
        {
            "minutes": minutes,
            "concept": concept,
            "status_line": status_line,
            "correction_reason": correction_reason,
            "document_title": f"{FILE_PREFIXES[minutes.kind].capitalize()} {title}",
            "document_subject": "Vertrouwelijk verslag van een casusoverleg",
        },
    )


def _filename(minutes: Minutes, which: str) -> str:
    """E.g. actieoverzicht-2026-12-08-politie-dorpsveen-concept.pdf: each copy says what it is."""
    subject = f"-{_file_word(minutes.subject)}" if minutes.subject else ""
    return f"{FILE_PREFIXES[minutes.kind]}-{_file_day(minutes.meeting)}{subject}-{which}.pdf"


def _file_word(text: str) -> str:
    """A reference or organisation name as part of a file name: plain letters, digits, hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def _file_day(meeting: Meeting) -> str:
    return local(meeting.starts_at).date().isoformat()


def download_rendered(
    session: Session, *, minutes: Minutes, final: MinutesVersion | None, by: Actor
) -> Download:
    """A copy made from the current record (the concept, an uittreksel, an actions overview):
    CONCEPT until the minutes are vastgesteld; watermarked with the downloader; logged."""
    if final is None:
        html, which = minutes_html(minutes, concept=True), "concept"
    else:
        status = (
            f"Uit het vastgestelde verslag, versie {final.number} (SHA-256 {final.sha256[:16]}…)"
        )
        html = minutes_html(minutes, concept=False, status_line=status)
        which = f"versie-{final.number}"
    meeting_id = minutes.meeting.id
    assert meeting_id is not None
    filename, lines = _filename(minutes, which), service.stamp_lines(by, utcnow())
    # The read is done: end its transaction, so no lock is held while the PDF renders.
    session.commit()
    stamped = watermark.fill(pdf.stampable_pdf_of(html), lines)
    service.log_download(
        session,
        meeting_id=meeting_id,
        by=by,
        kind=minutes.kind,
        which=which,
        subject=minutes.subject,
    )
    return Download(filename=filename, content=stamped)


def download_version(
    session: Session, *, meeting: Meeting, number: int, by: Actor
) -> Download | None:
    """The stored PDF of a vastgestelde version with the downloader's watermark appended (the
    stored file and its hash stay as they are); None when there is no such version."""
    found = service.stored_version(session, meeting=meeting, number=number)
    if found is None:
        return None
    assert meeting.id is not None
    newest = found.newest
    lines = service.stamp_lines(by, utcnow(), superseded_by=newest if number < newest else None)
    filename = f"verslag-{_file_day(meeting)}-versie-{number}.pdf"
    # Logged first: the write lock (SQLite) or the chain's lock (PostgreSQL) is then held only
    # for the reads and the event, not while the copy is made.
    service.log_download(
        session, meeting_id=meeting.id, by=by, kind=Kind.FULL, which=f"versie-{number}"
    )
    return Download(
        filename=filename,
        content=watermark.stamp(found.sha256, lambda: _stored_pdf(session, found), lines),
    )


def _stored_pdf(session: Session, found: service.StoredPdf) -> bytes:
    """The stored bytes, read once per process; no lock is held while the copy is prepared."""
    content = service.stored_pdf(session, document_id=found.document_id)
    session.commit()
    return content


def finalise(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    by: Actor,
    mail: MailContext,
    at: datetime | None = None,
) -> MinutesVersion:
    """'Verslag vaststellen': render the record once more and store exactly that PDF (`at`
    backdates it, for the demo's history)."""
    service.check_finalisable(session, meeting=meeting)
    return _render_and_store(session, access, meeting, crypto, by, mail, reason=None, at=at)


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
    """A correction: the next version with its reason; earlier versions stay as they are."""
    reason = service.check_correction(session, meeting=meeting, reason=reason)
    return _render_and_store(session, access, meeting, crypto, by, mail, reason=reason)


def _render_and_store(
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    by: Actor,
    mail: MailContext,
    reason: str | None,
    at: datetime | None = None,
) -> MinutesVersion:
    user = by.user
    assert user is not None
    number, at = service.next_number(session, meeting=meeting), at or utcnow()
    record = queries.load(session, access=access, meeting=meeting)
    # Taken before with_names adds the residents' names, which are never stored in plain text.
    frozen = snapshot.dump(record)
    minutes = queries.with_names(session, access=access, minutes=record, crypto=crypto, actor=by)
    html = minutes_html(
        minutes,
        concept=False,
        status_line=f"Vastgesteld op {local_datetime(at)} door {user.name}, versie {number}",
        correction_reason=f"versie {number} vervangt versie {number - 1}: {reason}"
        if reason
        else None,
    )
    status = meeting.status
    # No transaction stays open during the render; storing checks nobody else was quicker.
    session.commit()
    content = pdf.pdf_of(html)
    return service.store_version(
        session,
        access=access,
        meeting=meeting,
        version=service.VersionToStore(
            number=number,
            content=content,
            snapshot=frozen,
            at=at,
            meeting_status=status,
            reason=reason,
        ),
        by=by,
        mail=mail,
    )


def _render_redacted(redaction: Redaction, *, at: datetime) -> bytes:
    """The PDF of the redacted version: the stored record without any resident's name."""
    minutes = snapshot.restore(redaction.snapshot_content, names_allowed=False)
    cause = redaction.cause
    html = minutes_html(
        minutes,
        concept=False,
        status_line=f"Vastgesteld op {local_datetime(at)} door {cause.by_name}, "
        f"versie {redaction.number}",
        correction_reason=f"versie {redaction.number} vervangt versie {redaction.number - 1}: "
        f"{cause.explanation}",
    )
    return pdf.pdf_of(html)


def render_replacement(named: list[StoredVersion], redactions: list[Redaction]) -> Replacement:
    """Render the redacted versions now; the caller has no transaction open meanwhile."""
    at = utcnow()
    return Replacement(named, [(r, _render_redacted(r, at=at)) for r in redactions], at)
