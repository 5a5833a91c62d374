"""CSV for Excel under Dutch regional settings: UTF-8 with a byte order mark (so Excel reads the
accents), ';' between fields, quoted by the csv module, and every cell that a spreadsheet would
take for a formula written as text (formula injection)."""

import csv
import io
from collections.abc import Iterable

BYTE_ORDER_MARK = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is a formula to a spreadsheet: it is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: str) -> str:
    """The cell as a spreadsheet shows it, never run as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


def csv_lines(rows: Iterable[Iterable[str]]) -> str:
    """The rows as CSV text, each cell made safe."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
        [as_text(cell) for cell in row] for row in rows
    )
    return buffer.getvalue()


def csv_document(rows: Iterable[Iterable[str]]) -> str:
    """A whole CSV file: the byte order mark, then the rows."""
    return BYTE_ORDER_MARK + csv_lines(rows)
