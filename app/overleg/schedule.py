"""Date rules of the planning: recurrence, Dutch public holidays, working days, deadlines.

Pure functions: the caller passes every date in.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from app.db import AMSTERDAM

PLANNING_HORIZON = timedelta(days=365)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year, language="nl")


def holiday_name(day: date) -> str | None:
    """The Dutch public holiday on this day, if any."""
    return _holidays_of(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: date) -> date:
    """The first working day after the day."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def proposed_day(day: date) -> date:
    """The day itself, or the next working day when it is a holiday or a weekend day."""
    return day if is_working_day(day) else next_working_day(day)


def deadline_before(meeting_day: date, working_days: int) -> date:
    """The day that lies the given number of working days before the meeting day."""
    day = meeting_day
    remaining = working_days
    while remaining > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_after(day: date, working_days: int) -> date:
    """The day that lies the given number of working days after the day."""
    for _ in range(working_days):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after start up to and including end (0 when end is not later)."""
    # Counted, not walked: the dashboard asks this for hundreds of meetings at a time.
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    weekdays = weeks * 5 + sum(
        1 for offset in range(1, rest + 1) if (start + timedelta(offset)).weekday() < 5
    )
    holidays_on_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _holidays_of(year)
        if start < day <= end and day.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def first_occurrence(starts_on: date, weekday: int) -> date:
    """The first day on or after starts_on that falls on the weekday (0 = Monday)."""
    return starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)


def recurrence_dates(
    *, starts_on: date, weekday: int, interval_weeks: int, ends_on: date | None, until: date
) -> list[date]:
    """The meeting dates of the rule up to and including `until` (and ends_on, if set)."""
    last = min(until, ends_on) if ends_on else until
    day = first_occurrence(starts_on, weekday)
    dates = []
    while day <= last:
        dates.append(day)
        day += timedelta(weeks=interval_weeks)
    return dates


def at_local_time(day: date, at: time) -> datetime:
    """The moment `at` o'clock in the Netherlands on that day, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in Dutch local time."""
    return moment.astimezone(AMSTERDAM)
