"""Use cases on the audit trail: an export is itself an event in it."""

from sqlmodel import Session

from app import audit
from app.audit import Actor
from app.auditlog.filters import AuditFilters
from app.auditlog.labels import EXPORTED


def record_export(session: Session, *, filters: AuditFilters, by: Actor) -> None:
    """Log that the filtered view was exported, with its filters, before it is streamed."""
    audit.record(session, action=EXPORTED, actor=by, context="logging", detail=filters.as_detail())
    session.commit()
