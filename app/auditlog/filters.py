"""The filters of the audit trail, read from the page's address: each bad value comes back as a
Dutch message beside its field, never as an error page."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urlencode

from app import bounds
from app.auditlog.labels import ACTION_LABELS
from app.errors import DomainError
from app.web import FormErrors, planning_date

MAX_REFERENCE = 20  # Case.reference
MAX_ORGANISATION = 200  # Organisation.name

# Query parameter -> the field of AuditFilters it fills.
PARAMETERS = {
    "van": "since",
    "tot": "until",
    "gebruiker": "user_id",
    "organisatie": "organisation",
    "handeling": "action",
    "casus": "case_reference",
}


@dataclass(frozen=True)
class AuditFilters:
    since: date | None = None
    until: date | None = None
    user_id: int | None = None
    organisation: str | None = None
    action: str | None = None
    case_reference: str | None = None

    def as_query(self, **extra: object) -> str:
        """The filters (and `extra` parameters) as the query string of a link."""
        values = {name: getattr(self, field) for name, field in PARAMETERS.items()}
        chosen = {name: value for name, value in (values | extra).items() if value is not None}
        return urlencode(chosen)

    def as_detail(self) -> dict[str, str]:
        """The chosen filters, for the audit event of an export."""
        return {name: str(value) for name, value in asdict(self).items() if value is not None}


def parse_filters(typed: dict[str, str]) -> tuple[AuditFilters, FormErrors]:
    """The filters from what was typed (empty means 'all'), and a message per bad field."""
    errors: FormErrors = {}
    cleaned = {name: typed.get(name, "").replace("\x00", "").strip() for name in PARAMETERS}
    values: dict[str, object] = {}
    for name, read in _READERS.items():
        try:
            values[PARAMETERS[name]] = read(cleaned[name]) if cleaned[name] else None
        except DomainError as exc:
            errors[name] = exc.message
    since, until = values.get("since"), values.get("until")
    if isinstance(since, date) and isinstance(until, date) and until < since:
        errors["tot"] = "Kies een einddatum op of na de begindatum."
    if errors:
        return AuditFilters(), errors
    return AuditFilters(**values), {}  # type: ignore[arg-type]


def _day(field: str) -> Callable[[str], date | None]:
    return lambda text: planning_date(text, field)


def _user_id(text: str) -> int:
    user_id = bounds.id_from(text)
    if user_id is None:
        raise DomainError("Kies een van de mogelijkheden.", field="gebruiker")
    return user_id


def _organisation(text: str) -> str:
    if len(text) > MAX_ORGANISATION:
        raise DomainError("Kies een van de mogelijkheden.", field="organisatie")
    return text


def _action(text: str) -> str:
    if text not in ACTION_LABELS:
        raise DomainError("Kies een van de mogelijkheden.", field="handeling")
    return text


def _reference(text: str) -> str:
    if len(text) > MAX_REFERENCE:
        raise DomainError(
            f"Een casusreferentie heeft hoogstens {MAX_REFERENCE} tekens, "
            "bijvoorbeeld IO-2026-014.",
            field="casus",
        )
    return text


_READERS = {
    "van": _day("van"),
    "tot": _day("tot"),
    "gebruiker": _user_id,
    "organisatie": _organisation,
    "handeling": _action,
    "casus": _reference,
}
