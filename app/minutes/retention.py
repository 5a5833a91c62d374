"""The verslag under a bewaartermijn, or when a casus is anonymised: which stored versions name a
casus, storing the redacted version that replaces them (flows.render_replacement renders it),
and emptying a version (its PDF, and after the verslag term its snapshot) while its hash stays.
The purge and anonymising call these inside their own transaction, on the purge path (the
immutability triggers refuse them anywhere else)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.minutes.models import MinutesDocument, MinutesSnapshot, MinutesVersion
from app.overleg.models import Meeting, MeetingSeries
from app.retention.models import RetentionPurge
from app.retention.terms import after_months


@dataclass(frozen=True)
class Cause:
    """Why names go from a verslag: the correction reason of the redacted version, who it says
    made it, and the line the PDF explains it with."""

    reason: str
    by_name: str
    explanation: str


TERM = Cause(
    "bewaartermijn",
    "Casustafel (bewaartermijn)",
    "namen verwijderd na de bewaartermijn van een casus",
)
ANONYMISED = Cause(
    "anonimisering",
    "Casustafel (anonimisering)",
    "namen verwijderd omdat een casus is geanonimiseerd",
)


@dataclass(frozen=True)
class StoredVersion:
    """A stored version the purge empties: which meeting, which number."""

    version_id: int
    meeting_id: int
    number: int


@dataclass(frozen=True)
class Redaction:
    """A meeting whose newest version names a purged or anonymised casus: it gets version
    `number`, rendered from `snapshot_content` without any resident's name."""

    meeting_id: int
    number: int
    snapshot_content: str
    finalised_by_user_id: int
    cause: Cause


@dataclass(frozen=True)
class Replacement:
    """The stored versions that name a casus, and the redacted versions (rendered at `at`) that
    take the place of the newest of each meeting."""

    named: list[StoredVersion]
    rendered: list[tuple[Redaction, bytes]]
    at: datetime


def _names_case(content: str, case_id: int) -> bool:
    """Whether a version rendered from this snapshot showed the names of this casus."""
    data = json.loads(content)
    if not data["series"].get("names_in_minutes"):
        return False
    return any(
        entry["case"]
        and entry["case"]["id"] == case_id
        and entry["case"]["identified"]
        and not entry["anonymous"]
        for entry in data["items"]
    )


def _unnamed(content: str) -> str:
    """The snapshot of a redacted version: it records that the version names nobody."""
    data = json.loads(content)
    data["series"]["names_in_minutes"] = False
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def naming(
    session: Session, *, case_id: int, cause: Cause
) -> tuple[list[StoredVersion], list[Redaction]]:
    """The stored versions that name this casus, and the redacted versions that replace the
    newest of each meeting."""
    rows = session.exec(
        select(MinutesVersion, MinutesSnapshot.content)
        .join(MinutesSnapshot, col(MinutesSnapshot.version_id) == MinutesVersion.id)
        .where(
            col(MinutesVersion.purged_on).is_(None),
            col(MinutesVersion.meeting_id).in_(
                select(AgendaItem.meeting_id).where(AgendaItem.case_id == case_id)
            ),
        )
        .order_by(col(MinutesVersion.meeting_id), col(MinutesVersion.number))
    ).all()
    newest = {version.meeting_id: (version, content) for version, content in rows}
    named = [
        StoredVersion(version.id, version.meeting_id, version.number)
        for version, content in rows
        if version.id is not None and _names_case(content, case_id)
    ]
    redactions = [
        Redaction(
            meeting_id,
            version.number + 1,
            _unnamed(content),
            version.finalised_by_user_id,
            cause,
        )
        for meeting_id, (version, content) in newest.items()
        if _names_case(content, case_id)
    ]
    return named, redactions


def past_term(session: Session, *, today: date) -> list[tuple[StoredVersion, date]]:
    """Versions still holding a PDF or snapshot whose meeting is longer ago than the overleg's
    verslag term, with the day the term ended."""
    rows = session.exec(
        select(MinutesVersion, Meeting.starts_at, MeetingSeries.minutes_retention_months)
        .join(Meeting, col(Meeting.id) == MinutesVersion.meeting_id)
        .join(MeetingSeries, col(MeetingSeries.id) == Meeting.series_id)
        .where(
            col(MinutesVersion.id).in_(select(MinutesDocument.version_id))
            | col(MinutesVersion.id).in_(select(MinutesSnapshot.version_id))
        )
        .order_by(col(MinutesVersion.meeting_id), col(MinutesVersion.number))
    ).all()
    due = [
        (StoredVersion(version.id, version.meeting_id, version.number), after_months(at, months))
        for version, at, months in rows
        if version.id is not None
    ]
    return [(version, day) for version, day in due if day <= today]


def open_purge_path(session: Session) -> None:
    """Let the immutability triggers pass a purge's changes in this transaction (until
    close_purge_path), with deleted bytes overwritten on SQLite."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON").close()
    session.add(RetentionPurge())
    session.flush()


def close_purge_path(session: Session) -> None:
    """Stored verslagen are immutable again once this transaction commits."""
    session.execute(delete(RetentionPurge))


def replace_named(session: Session, *, replacement: Replacement, on: date) -> None:
    """Store the redacted versions and empty the PDFs of the versions that name the casus, their
    hashes staying (in the caller's transaction, on the purge path). An IntegrityError means a
    verslag was corrected meanwhile: the caller rolls back."""
    for redaction, content in replacement.rendered:
        _store_redacted(session, redaction=redaction, content=content, at=replacement.at)
    named = [version.version_id for version in replacement.named]
    empty(session, version_ids=named, on=on, snapshots=False)


def _store_redacted(
    session: Session, *, redaction: Redaction, content: bytes, at: datetime
) -> MinutesVersion:
    """Add the redacted version (in the caller's transaction)."""
    version = MinutesVersion(
        meeting_id=redaction.meeting_id,
        number=redaction.number,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        correction_reason=redaction.cause.reason,
        finalised_at=at,
        finalised_by_user_id=redaction.finalised_by_user_id,
        finalised_by_name=redaction.cause.by_name,
    )
    session.add(version)
    session.flush()
    session.add(MinutesDocument(version_id=version.id, content=content))
    session.add(MinutesSnapshot(version_id=version.id, content=redaction.snapshot_content))
    return version


def empty(session: Session, *, version_ids: list[int], on: date, snapshots: bool) -> int:
    """Delete the PDFs (and the snapshots, when asked) of these versions, marking them purged;
    their hashes stay. How many stored rows went (none: another run was first)."""
    if not version_ids:
        return 0
    removed = session.execute(
        delete(MinutesDocument).where(col(MinutesDocument.version_id).in_(version_ids))
    ).rowcount
    if snapshots:
        removed += session.execute(
            delete(MinutesSnapshot).where(col(MinutesSnapshot.version_id).in_(version_ids))
        ).rowcount
    session.execute(
        update(MinutesVersion)
        .where(col(MinutesVersion.id).in_(version_ids), col(MinutesVersion.purged_on).is_(None))
        .values(purged_on=on)
    )
    return removed
