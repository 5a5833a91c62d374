"""SQL shared by the figures: conditional counts, periods, the organisations as rows, and the
few expressions over dates that differ between SQLite and PostgreSQL (kept here, so the figures
read the same on both)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Interval,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    type_coerce,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from app.organisations.models import Organisation
from app.overleg.models import SeriesOrganisation


def per_organisation(
    series_ids: Sequence[int],
    organisation_id: Any,
    aggregates: Sequence[ColumnElement[int]],
    *conditions: ColumnElement[bool],
) -> Select[Any]:
    """The aggregates grouped by `organisation_id` over the rows meeting the conditions, one row
    (name, *aggregates) for every organisation of these overleggen and any other that has
    rows, by name: aggregated first, then joined, so each row is read once."""
    grouped = (
        select(organisation_id.label("organisation_id"), *aggregates)
        .where(*conditions)
        .group_by(organisation_id)
        .subquery()
    )
    of_the_overleggen = select(SeriesOrganisation.organisation_id).where(
        col(SeriesOrganisation.series_id).in_(series_ids)
    )
    totals = [func.coalesce(column, 0) for column in list(grouped.c)[1:]]
    return (
        select(Organisation.name, *totals)
        .outerjoin(grouped, grouped.c.organisation_id == Organisation.id)
        .where(
            or_(col(Organisation.id).in_(of_the_overleggen), grouped.c.organisation_id.is_not(None))
        )
        .order_by(col(Organisation.name))
    )


def between(column: Any, start: date | datetime, end: date | datetime) -> ColumnElement[bool]:
    """From `start` up to (not including) `end`."""
    return and_(column >= start, column < end)


def interval_index(column: Any, bounds: Sequence[date | datetime]) -> ColumnElement[int]:
    """The n for which bounds[n] <= column < bounds[n + 1] (for a column known to lie within
    the bounds), found by halving: a handful of comparisons per row, however many months."""

    def within(low: int, high: int) -> ColumnElement[int]:
        if high - low == 1:
            return literal(low)
        middle = (low + high) // 2
        return case((column < bounds[middle], within(low, middle)), else_=within(middle, high))

    return within(0, len(bounds) - 1)


def counted_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet the condition (a conditional count, the same in both dialects)."""
    return func.count(case((condition, 1)))


def plain(column: Any) -> ColumnElement[str]:
    """The column's stored text, whatever its type (an enum's value, a list of categories)."""
    return type_coerce(column, String)


def local_date(dialect: str, moment: ColumnElement[datetime]) -> ColumnElement[date]:
    """The day in the Netherlands of a stored UTC moment. SQLite knows no time zones: there the
    EU rule says summer time (UTC+2) runs from 01:00 UTC on the last Sunday of March to 01:00
    UTC on the last Sunday of October, winter time is UTC+1."""
    if dialect == "postgresql":
        return cast(func.timezone("Europe/Amsterdam", moment), Date)
    summer_starts = func.datetime(
        moment, "start of year", "+3 months", "weekday 0", "-7 days", "+1 hours"
    )
    summer_ends = func.datetime(
        moment, "start of year", "+10 months", "weekday 0", "-7 days", "+1 hours"
    )
    utc = func.datetime(moment)
    in_summer = (utc >= summer_starts) & (utc < summer_ends)
    offset = case((in_summer, "+2 hours"), else_="+1 hours")
    return func.date(moment, offset)


def days_from(
    dialect: str, moment: ColumnElement[datetime], day: ColumnElement[date]
) -> ColumnElement[int]:
    """Whole days from the Dutch day of `moment` to `day`."""
    start = local_date(dialect, moment)
    if dialect == "postgresql":
        return cast(day - start, Integer)
    return cast(func.julianday(day) - func.julianday(start), Integer)


def at_most_months_before(
    dialect: str, earlier: ColumnElement[datetime], later: ColumnElement[datetime], months: int
) -> ColumnElement[bool]:
    """`earlier` lies before `later`, by at most `months` calendar months."""
    if dialect == "postgresql":
        window = literal_column(f"INTERVAL '{int(months)} months'", Interval)
        return (earlier < later) & (earlier >= later - window)
    return (earlier < later) & (
        func.julianday(earlier) >= func.julianday(later, f"-{int(months)} months")
    )
