"""The dashboard's period in whole months, counted in Dutch local time."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from babel.dates import format_date

from app.dates import LOCALE
from app.overleg.schedule import at_local_time


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    first = add_months(day, -months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def month_label(month: date) -> str:
    """A month as the dashboard names it: 'jan 2026'."""
    return format_date(month, "LLL yyyy", locale=LOCALE).replace(".", "")


@dataclass(frozen=True)
class Period:
    """The months from `first_month` up to and including `last_month` (each the first of a
    month), counted in Dutch local time: a casus submitted at 00:30 on 1 February belongs to
    February."""

    first_month: date
    last_month: date

    def __post_init__(self) -> None:
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise ValueError("a period runs from the first of a month to the first of a month")
        if self.last_month < self.first_month:
            raise ValueError("the period ends before it starts")

    @property
    def months(self) -> list[date]:
        count = (self.last_month.year - self.first_month.year) * 12
        count += self.last_month.month - self.first_month.month + 1
        return [add_months(self.first_month, n) for n in range(count)]

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        return add_months(self.last_month, 1)

    @property
    def start_moment(self) -> datetime:
        return midnight(self.first_month)

    @property
    def end_moment(self) -> datetime:
        return midnight(self.end_day)

    @property
    def label(self) -> str:
        first, last = month_label(self.first_month), month_label(self.last_month)
        return first if first == last else f"{first} – {last}"


def midnight(day: date) -> datetime:
    """The start of the day in the Netherlands, as the UTC moment stored columns compare with."""
    return at_local_time(day, time(0))
