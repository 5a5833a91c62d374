"""The audit log (logging, NEN 7513 style): append-only, hash-chained, one way to write it."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, text
from sqlmodel import Field, Session, SQLModel, col, select

from app.db import utcnow
from app.users.models import User

GENESIS_HASH = "0" * 64


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


def event_hash(audit_event: AuditEvent) -> str:
    """The SHA-256 over the event's fields and the previous event's hash."""
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
    return hashlib.sha256(f"{audit_event.previous_hash}|{canonical}".encode()).hexdigest()


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
    previous = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    user = actor.user
    events = []
    for object_id in object_ids:
        audit_event = AuditEvent(
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
            previous_hash=previous or GENESIS_HASH,
        )
        audit_event.hash = previous = event_hash(audit_event)
        events.append(audit_event)
    session.add_all(events)
    session.flush()
    return events


def first_broken_event(session: Session) -> AuditEvent | None:
    """The first event whose hash or link to its predecessor does not hold, or None."""
    expected_previous = GENESIS_HASH
    events = session.exec(
        select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=1000)
    )
    for audit_event in events:
        if (
            audit_event.previous_hash != expected_previous
            or event_hash(audit_event) != audit_event.hash
        ):
            return audit_event
        expected_previous = audit_event.hash
    return None
