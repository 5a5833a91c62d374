"""What the dashboard shows, one shape for the page, the SVG charts and the CSV: a table of
figures per row, each figure already made safe to publish (app/statistics/disclosure_control.py)."""

from dataclasses import dataclass
from enum import StrEnum


class Chart(StrEnum):
    """How a table is drawn beside its data table."""

    BARS = "staven"  # one bar per row and column, side by side
    STACKED = "gestapeld"  # one bar per row, its columns stacked
    NONE = "geen"  # a table only


@dataclass(frozen=True)
class Figure:
    """One published cell: `text` as the page, the SVG and the CSV show it ("< 5", "15",
    "80 %", "12 dagen", "–"); `value` the number a chart draws (None when hidden or empty)."""

    text: str
    value: float | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class StatTable:
    """One figure of the dashboard. `key` names it in its anchor and CSV download."""

    key: str
    title: str
    explanation: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: Chart = Chart.BARS
    unit: str = "casussen"

    def csv_rows(self) -> list[list[str]]:
        """Exactly the numbers shown: a header, then one line per row."""
        return [
            [self.row_header, *self.columns],
            *([row.label, *(figure.text for figure in row.figures)] for row in self.rows),
        ]
