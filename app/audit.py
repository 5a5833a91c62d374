"""The audit log (logging, NEN 7513 style): append-only, hash-chained, one way to write it.

The chain value of an event is an HMAC-SHA256 under CASUSTAFEL_AUDIT_KEY over its fields and
the previous event's value: without the key, no one can rewrite an event and the chain after it.
Events written before the key existed keep their plain SHA-256 values (the log is append-only);
the first event written with the key after them is an anchor (ANCHOR_ACTION) that links the
keyed part to the last unkeyed value. A log started with the key is keyed from its first event.
Deleting the newest events leaves a valid chain: a checkpoint kept outside the database (the
head's id, the number of events and its chain value) shows that."""

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, func, text
from sqlmodel import Field, Session, SQLModel, col, select

from app.config import get_settings
from app.db import utcnow
from app.users.models import User

GENESIS_HASH = "0" * 64
ANCHOR_ACTION = "logging.sleutel.ingesteld"
CHECKPOINT_PREFIX = "casustafel-checkpoint:v1"
_CHECKPOINT = re.compile(re.escape(CHECKPOINT_PREFIX) + r":(\d+):(\d+):([0-9a-f]{64})")


class Outcome(StrEnum):
    SUCCESS = "gelukt"
    FAILURE = "mislukt"
    DENIED = "geweigerd"


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where: what every audited use case needs to know."""

    user: User | None
    organisation_name: str | None
    client_address: str | None


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    actor_name: str | None = Field(default=None, max_length=200)
    actor_organisation: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=80, index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    outcome: str = Field(max_length=20)
    client_address: str | None = Field(default=None, max_length=64)
    context: str | None = Field(default=None, max_length=200)
    detail: str = Field(default="{}", sa_type=Text)
    previous_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


def _chained_fields(audit_event: AuditEvent) -> bytes:
    fields = {
        "occurred_at": audit_event.occurred_at.isoformat(),
        "actor_user_id": audit_event.actor_user_id,
        "actor_name": audit_event.actor_name,
        "actor_organisation": audit_event.actor_organisation,
        "action": audit_event.action,
        "object_type": audit_event.object_type,
        "object_id": audit_event.object_id,
        "outcome": audit_event.outcome,
        "client_address": audit_event.client_address,
        "context": audit_event.context,
        "detail": audit_event.detail,
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{audit_event.previous_hash}|{canonical}".encode()


def audit_key() -> bytes:
    """The key of the chain (CASUSTAFEL_AUDIT_KEY), from the process's settings. In production
    the same refusal as at start-up: the command line writes events too, never with a default."""
    settings = get_settings()
    settings.refuse_unsafe_production()
    return settings.audit_key.encode()


def event_hash(audit_event: AuditEvent, key: bytes | None = None) -> str:
    """The event's chain value: the HMAC-SHA256, under the audit key (the configured one unless
    given), of its fields and the previous event's value."""
    return hmac.new(key or audit_key(), _chained_fields(audit_event), hashlib.sha256).hexdigest()


def unkeyed_hash(audit_event: AuditEvent) -> str:
    """The chain value of an event written before the audit key: a plain SHA-256 of the same."""
    return hashlib.sha256(_chained_fields(audit_event)).hexdigest()


def _needs_anchor(head: AuditEvent, key: bytes) -> bool:
    """Whether the newest event is an intact unkeyed one, so the keyed part starts after it. A
    head that is neither keyed nor unkeyed (tampered, or another key) gets no anchor to hide it."""
    return head.hash != event_hash(head, key) and head.hash == unkeyed_hash(head)


def _lock_chain(session: Session) -> None:
    # On PostgreSQL, concurrent transactions would read the same chain head; the advisory lock
    # (held until commit) puts them in line. SQLite transactions already hold the write lock.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7513)"))


def record(
    session: Session,
    *,
    action: str,
    actor: Actor,
    outcome: Outcome = Outcome.SUCCESS,
    object_type: str | None = None,
    object_id: int | str | None = None,
    context: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain in the caller's transaction; the caller commits."""
    [audit_event] = record_many(
        session,
        action=action,
        actor=actor,
        outcome=outcome,
        object_type=object_type,
        object_ids=[object_id],
        context=context,
        detail=detail,
    )
    return audit_event


def record_many(
    session: Session,
    *,
    action: str,
    actor: Actor,
    object_ids: Sequence[int | str | None],
    outcome: Outcome = Outcome.SUCCESS,
    object_type: str | None = None,
    context: str | None = None,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one event per object to the chain, in a fixed number of statements however many
    objects; the caller commits."""
    if not object_ids:
        return []
    _lock_chain(session)
    key = audit_key()
    head = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    user = actor.user
    events = [
        AuditEvent(
            occurred_at=utcnow(),
            actor_user_id=user.id if user else None,
            actor_name=user.name if user else None,
            actor_organisation=actor.organisation_name,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id is not None else None,
            outcome=outcome,
            client_address=actor.client_address,
            context=context,
            detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
            previous_hash=GENESIS_HASH,
        )
        for object_id in object_ids
    ]
    anchor = [_anchor()] if head is not None and _needs_anchor(head, key) else []
    previous = head.hash if head is not None else GENESIS_HASH
    for audit_event in [*anchor, *events]:
        audit_event.previous_hash = previous
        audit_event.hash = previous = event_hash(audit_event, key)
    session.add_all([*anchor, *events])
    session.flush()
    return events


def _anchor() -> AuditEvent:
    return AuditEvent(
        occurred_at=utcnow(),
        action=ANCHOR_ACTION,
        outcome=Outcome.SUCCESS,
        context="logging",
        detail=json.dumps(
            {"keten": "vanaf hier HMAC-SHA256 met CASUSTAFEL_AUDIT_KEY"}, ensure_ascii=False
        ),
        previous_hash=GENESIS_HASH,
    )


@dataclass(frozen=True)
class Checkpoint:
    """The head of the log at one moment, as one line to keep outside the database."""

    event_id: int
    count: int
    chain_value: str

    def __str__(self) -> str:
        return f"{CHECKPOINT_PREFIX}:{self.event_id}:{self.count}:{self.chain_value}"

    @classmethod
    def parse(cls, line: str) -> "Checkpoint":
        """The checkpoint in a line as `casustafel audit checkpoint` prints it."""
        match = _CHECKPOINT.fullmatch(line.strip())
        if match is None:
            raise ValueError(
                f"Dit is geen controlepunt van Casustafel; verwacht is "
                f"{CHECKPOINT_PREFIX}:<gebeurtenis>:<aantal>:<ketenwaarde>."
            )
        return cls(event_id=int(match[1]), count=int(match[2]), chain_value=match[3])


@dataclass(frozen=True)
class ChainCheck:
    """What a walk along the chain found."""

    count: int  # events checked (all of them when nothing broke)
    broken: AuditEvent | None  # the first event whose value or link does not hold
    keyed_from: int | None  # the id of the first keyed event (the anchor or the very first)
    head: AuditEvent | None  # the newest event checked

    def checkpoint(self) -> Checkpoint | None:
        """The head as a checkpoint, when the chain is intact and not empty."""
        if self.broken is not None or self.head is None or self.head.id is None:
            return None
        return Checkpoint(event_id=self.head.id, count=self.count, chain_value=self.head.hash)


def check_chain(session: Session, key: bytes | None = None) -> ChainCheck:
    """Walk the chain from the first event: unkeyed SHA-256 values up to the anchor, HMAC values
    from the anchor on (or from the first event, in a log started with the key)."""
    key = key or audit_key()
    expected_previous, keyed_from, count, head = GENESIS_HASH, None, 0, None
    # The cursor streams; it is closed before an early return too, while the session is open.
    with session.exec(
        select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=1000)
    ) as events:
        for audit_event in events:
            if (
                keyed_from is None
                and (count == 0 or audit_event.action == ANCHOR_ACTION)
                and audit_event.hash == event_hash(audit_event, key)
            ):
                keyed_from = audit_event.id
            keyed = keyed_from is not None
            expected = event_hash(audit_event, key) if keyed else unkeyed_hash(audit_event)
            if (
                audit_event.previous_hash != expected_previous
                or audit_event.hash != expected
                or (not keyed and audit_event.action == ANCHOR_ACTION)
            ):
                return ChainCheck(count=count, broken=audit_event, keyed_from=keyed_from, head=head)
            expected_previous, count, head = audit_event.hash, count + 1, audit_event
    return ChainCheck(count=count, broken=None, keyed_from=keyed_from, head=head)


def checkpoint_mismatch(session: Session, checkpoint: Checkpoint) -> str | None:
    """How the log no longer matches a checkpoint taken earlier (in Dutch), or None. Events
    added after it are fine; its event gone or fewer events up to it is a log cut short; another
    chain value at its event, or more events up to it, a log rewritten."""
    found = session.get(AuditEvent, checkpoint.event_id)
    count = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(col(AuditEvent.id) <= checkpoint.event_id)
    ).one()
    where = f"gebeurtenis {checkpoint.event_id} uit het controlepunt"
    if found is None:
        return f"De logging is ingekort: {where} bestaat niet meer."
    if found.hash != checkpoint.chain_value:
        return (
            f"De logging is ingekort of herschreven: {where} heeft niet meer de ketenwaarde "
            "van het controlepunt."
        )
    if count != checkpoint.count:
        state = "ingekort" if count < checkpoint.count else "herschreven"
        return (
            f"De logging is {state}: tot en met {where} staan {count} gebeurtenissen, "
            f"bij het controlepunt waren het er {checkpoint.count}."
        )
    return None
