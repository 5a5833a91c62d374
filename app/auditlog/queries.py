"""Reading the audit trail for the FG: filtered, with a casus' repeated views collapsed.

One user's views of one casus' identified data within one clock hour are one row with a count;
the events themselves all stay. The collapse is a GROUP BY in SQL, so a page and the export cost
a fixed number of statements and page through rows, not events."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import String, Subquery, and_, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.audit import AuditEvent
from app.auditlog.filters import AuditFilters
from app.auditlog.labels import OBJECT_LABELS, action_label
from app.cases.disclosure import READ
from app.cases.models import Case
from app.db import AMSTERDAM
from app.organisations.models import Organisation
from app.users.models import User

PAGE_SIZE = 50
EXPORT_BATCH = 500


@dataclass(frozen=True)
class LogRow:
    """One row of the trail: an event, or a run of views collapsed into its newest event."""

    event: AuditEvent
    times: int  # how many events the row stands for
    first_at: datetime  # the oldest of them
    object_text: str  # the object as the FG reads it: never a resident's name

    @property
    def action_label(self) -> str:
        return action_label(self.event.action)


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        start = datetime.combine(filters.since, time(), tzinfo=AMSTERDAM)
        conditions.append(col(AuditEvent.occurred_at) >= start.astimezone(UTC))
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=AMSTERDAM)
        conditions.append(col(AuditEvent.occurred_at) < end.astimezone(UTC))
    if filters.user_id is not None:
        conditions.append(col(AuditEvent.actor_user_id) == filters.user_id)
    if filters.organisation is not None:
        conditions.append(col(AuditEvent.actor_organisation) == filters.organisation)
    if filters.action is not None:
        conditions.append(col(AuditEvent.action) == filters.action)
    if filters.case_reference is not None:
        case_ids = select(cast(col(Case.id), String)).where(
            func.upper(col(Case.reference)) == filters.case_reference.upper()
        )
        conditions.append(col(AuditEvent.object_type) == "casus")
        conditions.append(col(AuditEvent.object_id).in_(case_ids))
    return conditions


def _row_key() -> ColumnElement[str]:
    """The same for a user's views of one casus in one clock hour, unique for any other event."""
    hour = func.substr(cast(col(AuditEvent.occurred_at), String), 1, 13)
    user = func.coalesce(cast(col(AuditEvent.actor_user_id), String), "-")
    is_view = and_(col(AuditEvent.action) == READ, col(AuditEvent.object_type) == "casus")
    view_key = literal("v:") + user + ":" + func.coalesce(col(AuditEvent.object_id), "-")
    return case(
        (is_view, view_key + ":" + hour),
        else_=literal("e:") + cast(col(AuditEvent.id), String),
    )


def _grouped(filters: AuditFilters) -> Subquery:
    return (
        select(
            func.max(col(AuditEvent.id)).label("newest_id"),
            func.min(col(AuditEvent.occurred_at)).label("first_at"),
            func.count().label("times"),
        )
        .where(*_conditions(filters))
        .group_by(_row_key())
        .subquery()
    )


def _rows_query(filters: AuditFilters) -> Select[tuple[AuditEvent, int, datetime]]:
    grouped = _grouped(filters)
    return (
        select(AuditEvent, grouped.c.times, grouped.c.first_at)
        .join(grouped, col(AuditEvent.id) == grouped.c.newest_id)
        .order_by(col(AuditEvent.id).desc())
    )


def page_of_rows(session: Session, *, filters: AuditFilters, page: int) -> tuple[list[LogRow], int]:
    """One page of rows, newest first, and the number of pages: four statements."""
    total = session.exec(select(func.count()).select_from(_grouped(filters))).one()
    found = session.exec(_rows_query(filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return _described(session, found), max(1, -(-total // PAGE_SIZE))


def rows_for_export(session: Session, *, filters: AuditFilters) -> Iterator[list[LogRow]]:
    """Every row of the filtered view, newest first, in batches (streamed from the database)."""
    result = session.exec(_rows_query(filters).execution_options(yield_per=EXPORT_BATCH))
    for batch in result.partitions():
        yield _described(session, batch)


def _described(session: Session, found: Sequence[tuple[AuditEvent, int, datetime]]) -> list[LogRow]:
    events = [event for event, _, _ in found]
    cases = _cases_named(session, _ids_of(events, "casus"))
    users = _users_named(session, _ids_of(events, "gebruiker"))
    named = {"casus": cases, "gebruiker": users}
    return [
        LogRow(event=event, times=times, first_at=first_at, object_text=_object_text(event, named))
        for event, times, first_at in found
    ]


def _ids_of(events: list[AuditEvent], object_type: str) -> set[int]:
    return {
        int(event.object_id)
        for event in events
        if event.object_type == object_type and (event.object_id or "").isdigit()
    }


def _cases_named(session: Session, ids: set[int]) -> dict[str, str]:
    """Reference and pseudonym (stored plainly: nothing is decrypted) of the casussen."""
    found = session.exec(
        select(Case.id, Case.reference, Case.pseudonym).where(col(Case.id).in_(ids))
    ).all()
    return {str(case_id): f"{reference} ({pseudonym})" for case_id, reference, pseudonym in found}


def _users_named(session: Session, ids: set[int]) -> dict[str, str]:
    found = session.exec(
        select(User.id, User.name, Organisation.name)
        .join(Organisation, col(User.organisation_id) == col(Organisation.id))
        .where(col(User.id).in_(ids))
    ).all()
    return {str(user_id): f"{name} ({organisation})" for user_id, name, organisation in found}


def _object_text(event: AuditEvent, named: dict[str, dict[str, str]]) -> str:
    if event.object_type is None:
        return ""
    kind = OBJECT_LABELS.get(event.object_type, event.object_type)
    name = named.get(event.object_type, {}).get(event.object_id or "")
    return f"{kind} {name or event.object_id or ''}".strip()


def user_options(session: Session) -> list[tuple[int, str]]:
    """Everyone with an account, by name, as choices of the filter."""
    found = session.exec(
        select(User.id, User.name, Organisation.name)
        .join(Organisation, col(User.organisation_id) == col(Organisation.id))
        .order_by(col(User.name), col(User.id))
    ).all()
    return [(user_id, f"{name} ({organisation})") for user_id, name, organisation in found]


def organisation_names(session: Session) -> list[str]:
    """The organisations, by name, as choices of the filter."""
    return list(session.exec(select(Organisation.name).order_by(col(Organisation.name))).all())
