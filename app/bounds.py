"""What fits the fields: ids within the column's range, dates within a window that makes sense
for them. Used as validators by the form models, so anything outside gets a Dutch message
beside its field instead of reaching the database."""

from datetime import date
from typing import Any

from app.dates import short_date
from app.db import MAX_ROW_ID

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def planning_day(value: date | None) -> date | None:
    """A meeting, deadline or covenant date: from 2000 up to and including 2100."""
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(
            f"Kies een datum tussen {short_date(EARLIEST_DAY)} en {short_date(LATEST_DAY)}."
        )
    return value


def birth_date(value: date) -> date:
    """A date of birth: from 1900, not in the future (checked beside it)."""
    if value < EARLIEST_BIRTH_DATE:
        raise ValueError(f"Kies een geboortedatum vanaf {short_date(EARLIEST_BIRTH_DATE)}.")
    return value


def id_from(text: object) -> int | None:
    """A chosen id typed as text (a select, a filter), or None when it is not a valid one."""
    value = str(text or "")
    # isdigit() also takes '²' and other digits int() refuses: only 0-9 make an id.
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ROW_ID)):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ROW_ID else None


def row_id(value: Any) -> Any:
    """A chosen id (or list of ids) that a database column can hold; anything else is not one
    of the choices."""
    ids = value if isinstance(value, list) else [value]
    if any(isinstance(i, int) and not 1 <= i <= MAX_ROW_ID for i in ids):
        raise ValueError("Kies een van de mogelijkheden.")
    return value
