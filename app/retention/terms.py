"""Counting a bewaartermijn: whole months after a day, the last day of a shorter month when the
day does not exist there (closed on 31 March, kept 6 months: until 30 September)."""

import calendar
from datetime import date, datetime


def after_months(start: date | datetime, months: int) -> date:
    """The day `months` calendar months after `start`."""
    day = start.date() if isinstance(start, datetime) else start
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
