"""The filtered audit trail as CSV for Excel: UTF-8 with a byte order mark (so Excel reads the
accents) and ';' between fields (Excel's separator under Dutch regional settings), quoted by
the csv module; streamed from its own session, batch by batch."""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import Session

from app.auditlog import queries
from app.auditlog.filters import AuditFilters
from app.dates import sortable_local_datetime

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
# A cell starting with one of these is a formula to a spreadsheet: it is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(engine: Engine, filters: AuditFilters) -> Iterator[str]:
    """The CSV text, a header and then one chunk per batch of rows."""
    yield "\ufeff" + _lines([HEADER])
    with Session(engine) as session:
        for batch in queries.rows_for_export(session, filters=filters):
            yield _lines([_cells(row) for row in batch])


def _cells(row: queries.LogRow) -> list[str]:
    event = row.event
    cells = [
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
    return [_as_text(cell) for cell in cells]


def _as_text(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


def _lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
