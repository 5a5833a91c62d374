"""The forms with the table of an overleg (planning one, editing one): the people they offer
for the organisations ticked, and 'Personen bijwerken', which shows them without saving."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app import bounds
from app.overleg import queries
from app.overleg.queries import PlanChoices
from app.web import FormErrors, render, wants_fragment

TABLE_PEOPLE = ("member_ids", "chair_ids", "secretary_id")


def _ids(values: dict[str, Any], name: str) -> list[int]:
    """The valid ids among a form value (one or a list); anything else is no choice."""
    raw = values.get(name)
    chosen = [bounds.id_from(item) for item in (raw if isinstance(raw, list) else [raw])]
    return [item for item in chosen if item is not None]


def _choices(session: Session, values: dict[str, Any], *, keep_unseatable: bool) -> PlanChoices:
    chosen = {item for name in TABLE_PEOPLE for item in _ids(values, name)}
    return queries.plan_choices(
        session,
        organisation_ids=_ids(values, "organisation_ids"),
        chosen=chosen if keep_unseatable else (),
    )


def _refreshed(values: dict[str, Any], choices: PlanChoices) -> dict[str, Any]:
    """The form after 'Personen bijwerken': everything typed, minus the ticks of people who
    cannot sit at the table of the organisations now chosen."""
    seatable = choices.seatable_ids
    secretary = _ids(values, "secretary_id")
    return values | {
        "member_ids": [item for item in _ids(values, "member_ids") if item in seatable],
        "chair_ids": [item for item in _ids(values, "chair_ids") if item in seatable],
        "secretary_id": secretary[0] if secretary and secretary[0] in seatable else "",
    }


def refreshing(values: dict[str, Any]) -> bool:
    """Whether 'Personen bijwerken' was pressed (or htmx asks for it): show, do not save."""
    return values.get("actie") == "personen"


def table_form(
    request: Request,
    session: Session,
    template: str,
    values: dict[str, Any],
    errors: FormErrors,
    context: dict[str, Any],
) -> Response:
    """A form with the table of an overleg (planning or editing); 'Personen bijwerken' answers
    with the form (or, for htmx, only its people) for the organisations now ticked."""
    refresh = refreshing(values)
    choices = _choices(session, values, keep_unseatable=not refresh)
    if refresh:
        values = _refreshed(values, choices)
    full_context = context | {"values": values, "errors": errors, "choices": choices}
    if refresh and wants_fragment(request, "aan-tafel"):
        template = "overleg/_people.html"
    return render(request, template, full_context, status_code=422 if errors else 200)
