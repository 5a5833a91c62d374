"""Dates written out the way Dutch readers expect them."""

from datetime import date

from babel.dates import format_date


def long_date(day: date) -> str:
    """The day with its weekday: 'dinsdag 8 december 2026'."""
    return format_date(day, format="EEEE d MMMM y", locale="nl_NL")
