"""Dates and times as people in the Netherlands read them, on Babel: every page, PDF and
e-mail formats them here. A stored moment (UTC) is always shown in Dutch local time."""

from datetime import date, datetime, time

from babel.dates import format_date, format_time, get_datetime_format, get_day_names

from app.db import AMSTERDAM

LOCALE = "nl_NL"

WEEKDAYS = [get_day_names("wide", locale=LOCALE)[day] for day in range(7)]


def _day(value: date) -> date:
    # A datetime is a moment: its day is the one in the Netherlands, not in UTC.
    return value.astimezone(AMSTERDAM).date() if isinstance(value, datetime) else value


def long_date(value: date) -> str:
    """A date with its weekday, for headings and sentences: 'dinsdag 8 december 2026'."""
    return format_date(_day(value), "full", locale=LOCALE)


def short_date(value: date) -> str:
    """A date in tables and lists (Babel's medium format): '8 dec 2026'."""
    return format_date(_day(value), "medium", locale=LOCALE)


def time_of_day(value: time | datetime) -> str:
    """A clock time: '09:30'."""
    return format_time(value, "short", tzinfo=AMSTERDAM, locale=LOCALE)


def local_datetime(value: datetime) -> str:
    """A stored moment as date and time in the Netherlands: '8 dec 2026, 09:30'."""
    # Babel's medium date-and-time would add seconds; its pattern joins the two the Dutch way.
    pattern = str(get_datetime_format("medium", locale=LOCALE))
    return pattern.format(time_of_day(value), short_date(value))


def sortable_local_datetime(value: datetime) -> str:
    """A stored moment in the Netherlands for a spreadsheet: '2026-12-08 09:30:05' (sorts as
    text, and Excel reads it as a date and time)."""
    return value.astimezone(AMSTERDAM).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def sortable_date(value: date) -> str:
    """A day for a spreadsheet: '2026-12-08' (a stored moment's day in the Netherlands)."""
    return _day(value).isoformat()
