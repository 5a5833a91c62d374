"""The dashboard's filters, read from the page's address: a period of whole months and an
overleg. Each bad value comes back as a Dutch message beside its field, never as an error page;
an overleg the viewer may not see is a 404, whether or not it exists."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from babel.dates import format_date

from app import bounds
from app.dates import LOCALE
from app.errors import DomainError, NotFound
from app.statistics.period import add_months
from app.web import FormErrors

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
EARLIEST_MONTH = date(2000, 1, 1)
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
FIELDS = ("van", "tot", "overleg")


@dataclass(frozen=True)
class DashboardFilters:
    """A period from the first day of `first_month` to the end of `last_month` (both the first
    of a month), and one overleg (None: every overleg the viewer may see)."""

    first_month: date
    last_month: date
    series_id: int | None = None

    def as_query(self) -> str:
        """The filters as the query string of a link (a download of the same view)."""
        values = {"van": month_value(self.first_month), "tot": month_value(self.last_month)}
        if self.series_id is not None:
            values["overleg"] = str(self.series_id)
        return urlencode(values)

    def as_detail(self) -> dict[str, str]:
        """The chosen filters, for the audit event of a view or download."""
        return {
            "van": month_value(self.first_month),
            "tot": month_value(self.last_month),
            "overleg": str(self.series_id) if self.series_id is not None else "alle",
        }

    def period_name(self) -> str:
        """The period in words: 'januari 2026 t/m december 2026'."""
        return f"{month_name(self.first_month)} t/m {month_name(self.last_month)}"


def month_value(month: date) -> str:
    """A month as an <input type="month"> holds it: '2026-03'."""
    return f"{month.year:04d}-{month.month:02d}"


def month_name(month: date) -> str:
    """A month in Dutch: 'maart 2026'."""
    return format_date(month, "LLLL yyyy", locale=LOCALE)


def default_filters(today: date) -> DashboardFilters:
    """The last twelve months, the current one included, over every overleg."""
    last = today.replace(day=1)
    return DashboardFilters(first_month=add_months(last, 1 - DEFAULT_MONTHS), last_month=last)


def typed_values(today: date, typed: dict[str, str]) -> dict[str, str]:
    """What the form shows: what was typed, or the default period where nothing was."""
    defaults = default_filters(today)
    values = {name: typed.get(name, "").replace("\x00", "").strip() for name in FIELDS}
    values["van"] = values["van"] or month_value(defaults.first_month)
    values["tot"] = values["tot"] or month_value(defaults.last_month)
    return values


def parse_filters(
    values: dict[str, str], *, today: date, series_ids: Collection[int]
) -> tuple[DashboardFilters, FormErrors]:
    """The filters from the form's values (see typed_values), and a message per bad field. An
    overleg id outside `series_ids` raises NotFound: unknown and not yours look the same."""
    errors: FormErrors = {}
    latest = date(today.year + 1, 12, 1)
    months: dict[str, date] = {}
    for name in ("van", "tot"):
        try:
            months[name] = _month(values[name], latest=latest)
        except DomainError as exc:
            errors[name] = exc.message
    if not errors:
        errors.update(_period_errors(months["van"], months["tot"]))
    series_id = None
    if values["overleg"]:
        series_id = bounds.id_from(values["overleg"])
        if series_id is None:
            errors["overleg"] = "Kies een van de mogelijkheden."
        elif series_id not in series_ids:
            raise NotFound
    if errors:
        return default_filters(today), errors
    return DashboardFilters(months["van"], months["tot"], series_id), {}


def _month(text: str, *, latest: date) -> date:
    found = MONTH.fullmatch(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise DomainError("Vul een maand in als jjjj-mm, bijvoorbeeld 2026-03.")
    month = date(int(found.group(1)), int(found.group(2)), 1)
    if not EARLIEST_MONTH <= month <= latest:
        raise DomainError(
            f"Kies een maand van {month_name(EARLIEST_MONTH)} tot en met {month_name(latest)}."
        )
    return month


def _period_errors(first: date, last: date) -> FormErrors:
    if last < first:
        return {"tot": "Kies een eindmaand op of na de beginmaand."}
    if add_months(first, MAX_MONTHS) <= last:
        return {"tot": f"Kies een periode van hoogstens {MAX_MONTHS} maanden."}
    return {}
