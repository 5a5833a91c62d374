"""Reads for the bewaartermijn: which closed casussen are due, and when."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from app.cases.models import Case, CasePerson, CaseStatus
from app.overleg.models import MeetingSeries, SeriesMember
from app.retention.terms import after_months
from app.users.models import User


@dataclass(frozen=True)
class DueCase:
    """A closed casus and the day the purge removes its data (reference and pseudonym only)."""

    case_id: int
    series_id: int
    reference: str
    pseudonym: str
    due_on: date
    persons: int


def due_on(case: Case, months: int) -> date | None:
    """The day a casus' data goes: its term after closing, or the later day it was kept until."""
    if case.status != CaseStatus.CLOSED or case.closed_on is None or case.purged_on:
        return None
    term_end = after_months(case.closed_on, months)
    return max(term_end, case.kept_until) if case.kept_until else term_end


def due_cases(
    session: Session, *, until: date, series_ids: list[int] | None = None
) -> list[DueCase]:
    """Closed, not yet purged casussen due on or before `until`, soonest first."""
    persons = (
        select(func.count())
        .select_from(CasePerson)
        .where(CasePerson.case_id == Case.id)
        .scalar_subquery()
    )
    query = (
        select(Case, MeetingSeries.case_retention_months, persons)
        .join(MeetingSeries, col(MeetingSeries.id) == Case.series_id)
        .where(Case.status == CaseStatus.CLOSED, col(Case.purged_on).is_(None))
    )
    if series_ids is not None:
        query = query.where(col(Case.series_id).in_(series_ids))
    due = []
    for case, months, count in session.exec(query).all():
        day = due_on(case, months)
        if day is not None and day <= until and case.id is not None:
            due.append(DueCase(case.id, case.series_id, case.reference, case.pseudonym, day, count))
    return sorted(due, key=lambda d: (d.due_on, d.reference))


def series_and_membership(session: Session, *, user: User) -> list[tuple[MeetingSeries, bool]]:
    """Every overleg by name, and whether the user sits at its table (only members reach its
    casussen, where a casus is kept longer)."""
    rows = session.exec(
        select(MeetingSeries, SeriesMember.id)
        .outerjoin(
            SeriesMember,
            (col(SeriesMember.series_id) == MeetingSeries.id) & (SeriesMember.user_id == user.id),
        )
        .order_by(col(MeetingSeries.name))
    ).all()
    return [(series, member_id is not None) for series, member_id in rows]
