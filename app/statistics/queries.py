"""The dashboard's figures, aggregated in SQL over the overleggen a viewer may see.

PLACEHOLDER: one table only, until the full set lands."""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from app.cases.models import Case
from app.statistics.tables import Chart, Figure, Row, StatTable


def dashboard(
    session: Session,
    *,
    series_ids: Sequence[int],
    first_month: date,
    last_month: date,
    today: date,
    min_count: int,
    target_working_days: int,
) -> list[StatTable]:
    """Every figure for these overleggen from the first day of `first_month` to the end of
    `last_month` (both the first of a month), each made safe to publish."""
    counts = Counter(
        f"{submitted.year}-{submitted.month:02d}"
        for submitted in session.exec(
            select(Case.submitted_at).where(col(Case.series_id).in_(series_ids))
        ).all()
    )
    rows = tuple(
        Row(label=label, figures=(_count(n, min_count),)) for label, n in sorted(counts.items())
    )
    return [
        StatTable(
            key="casussen-per-maand",
            title="Casussen per maand",
            explanation="Nieuw aangemelde casussen per maand.",
            row_header="Maand",
            columns=("Nieuw",),
            rows=rows,
            chart=Chart.BARS,
        )
    ]


def _count(n: int, min_count: int) -> Figure:
    if n < min_count:
        return Figure(text=f"< {min_count}", hidden=True)
    return Figure(text=str(n), value=float(n))
