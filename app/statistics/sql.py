"""SQL shared by the figures: conditional counts, periods, the organisations as rows, and the
few expressions over dates that differ between SQLite and PostgreSQL (kept here, so the figures
read the same on both)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, Interval, and_, case, cast, func, literal_column, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from app.organisations.models import Organisation
from app.overleg.models import SeriesOrganisation


def organisation_rows(
    series_ids: Sequence[int], joined: Any, organisation_id: Any, *conditions: Any
) -> Any:
    """A select from every organisation of these overleggen, plus any other one with a row of
    `joined` meeting the conditions: add the aggregates with `.add_columns`."""
    of_the_overleggen = select(SeriesOrganisation.organisation_id).where(
        col(SeriesOrganisation.series_id).in_(series_ids)
    )
    return (
        select(Organisation.name)
        .select_from(Organisation)
        .outerjoin(joined, and_(organisation_id == Organisation.id, *conditions))
        .where(or_(col(Organisation.id).in_(of_the_overleggen), col(joined.id).is_not(None)))
        .group_by(col(Organisation.id), col(Organisation.name))
        .order_by(col(Organisation.name))
    )


def between(column: Any, start: date | datetime, end: date | datetime) -> ColumnElement[bool]:
    """From `start` up to (not including) `end`."""
    return and_(column >= start, column < end)


def counted_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet the condition (a conditional count, the same in both dialects)."""
    return func.count(case((condition, 1)))


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
