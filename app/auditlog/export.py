"""The filtered audit trail as CSV for Excel (app/spreadsheet.py), streamed from its own
session, batch by batch."""

from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import Session

from app.auditlog import queries
from app.auditlog.filters import AuditFilters
from app.dates import sortable_local_datetime
from app.spreadsheet import BYTE_ORDER_MARK, csv_lines

HEADER = [
    "Tijdstip",
    "Eerste keer",
    "Aantal",
    "Wie",
    "Organisatie",
    "Handeling",
    "Object",
    "Uitkomst",
    "Adres",
    "Context",
]


def csv_chunks(engine: Engine, filters: AuditFilters) -> Iterator[str]:
    """The CSV text, a header and then one chunk per batch of rows."""
    yield BYTE_ORDER_MARK + csv_lines([HEADER])
    with Session(engine) as session:
        for batch in queries.rows_for_export(session, filters=filters):
            yield csv_lines(_cells(row) for row in batch)


def _cells(row: queries.LogRow) -> list[str]:
    event = row.event
    return [
        sortable_local_datetime(event.occurred_at),
        sortable_local_datetime(row.first_at) if row.times > 1 else "",
        str(row.times),
        event.actor_name or "onbekend",
        event.actor_organisation or "",
        row.action_label,
        row.object_text,
        event.outcome,
        event.client_address or "",
        event.context or "",
    ]
