"""Use cases of the Beleidsinformatie: looking and downloading are logged, once each (the
figures are no identified data, so no read of a casus is logged)."""

from sqlmodel import Session

from app import audit
from app.audit import Actor
from app.statistics.filters import DashboardFilters

VIEWED = "beleidsinformatie.bekeken"
EXPORTED = "beleidsinformatie.geexporteerd"
CONTEXT = "beleidsinformatie"


def record_view(session: Session, *, filters: DashboardFilters, by: Actor) -> None:
    """Log one view of the dashboard, with its filters."""
    audit.record(session, action=VIEWED, actor=by, context=CONTEXT, detail=filters.as_detail())
    session.commit()


def record_export(session: Session, *, filters: DashboardFilters, key: str, by: Actor) -> None:
    """Log the download of one table as CSV, with its filters, before it is sent."""
    detail = filters.as_detail() | {"figuur": key}
    audit.record(session, action=EXPORTED, actor=by, context=CONTEXT, detail=detail)
    session.commit()
