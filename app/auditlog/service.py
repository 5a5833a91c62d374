"""Reading the audit trail (for the FG)."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit import AuditEvent

PAGE_SIZE = 50


def page_of_events(session: Session, *, page: int) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and the number of pages."""
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    events = session.exec(
        select(AuditEvent)
        .order_by(col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(events), max(1, -(-total // PAGE_SIZE))
