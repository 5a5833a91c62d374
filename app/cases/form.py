"""The casus form as typed: its person slots, its steps (add a person, confirm, back), and what
it holds, validated, or with a Dutch message per field."""

from collections.abc import Sequence
from typing import Any, TypeVar

from app.cases import disclosure
from app.cases.models import (
    AnonymisedFields,
    Case,
    CaseBase,
    IdentifiedFields,
    PersonData,
)
from app.cases.service import CORRECTABLE_FIELDS
from app.web import FormErrors, parse_form

PERSON_SLOTS = 3
PERSON_FIELDS = ("name", "birth_date", "bsn", "address")
# The form steps: a button that adds a person slot, the confirmation of a change, and going back
# from the confirmation to the form; each is a submit button's name with the value "ja".
ADD_PERSON, CONFIRMED, BACK = "persoon_toevoegen", "bevestigd", "terug"
STEPS = (ADD_PERSON, CONFIRMED, BACK)
PERSON_SLOT_FIELDS = {
    f"person-{slot}-{name}": {"type": "string"}
    for slot in range(1, PERSON_SLOTS + 1)
    for name in PERSON_FIELDS
} | {
    "personen": {"type": "integer", "minimum": 1, "maximum": PERSON_SLOTS},
    ADD_PERSON: {"type": "string", "enum": ["ja"]},
}
STEP_FIELDS = {CONFIRMED: {"type": "string", "enum": ["ja"]}}


def _slot_values(form: dict[str, Any], slot: int) -> dict[str, Any]:
    return {f: form.get(f"person-{slot}-{f}", "") for f in PERSON_FIELDS}


def _filled(values: dict[str, Any]) -> bool:
    return any(str(v).strip() for v in values.values())


def step(form: dict[str, Any], name: str) -> bool:
    """Whether the form was sent with this step's button (ADD_PERSON, CONFIRMED or BACK)."""
    return form.get(name) == "ja"


def person_slots(form: dict[str, Any], *, add: bool = False) -> range:
    """The person slots a form shows: as many as it showed before (and at least up to the last
    one filled in), one more when asked, never more than PERSON_SLOTS."""
    shown = str(form.get("personen", ""))
    count = int(shown) if shown.isdigit() and len(shown) < 3 else 1
    filled = [slot for slot in range(1, PERSON_SLOTS + 1) if _filled(_slot_values(form, slot))]
    count = max(count, *filled, 1) + (1 if add else 0)
    return range(1, min(count, PERSON_SLOTS) + 1)


def people_from(form: dict[str, Any]) -> tuple[list[PersonData], FormErrors]:
    """The persons typed in the numbered slots; an empty slot is skipped."""
    people, errors = [], {}
    for slot in range(1, PERSON_SLOTS + 1):
        values = _slot_values(form, slot)
        if not _filled(values):
            continue
        person, slot_errors = parse_form(PersonData, values)
        errors |= {f"person-{slot}-{f}": message for f, message in slot_errors.items()}
        if person is not None:
            people.append(person)
    return people, errors


CaseFormT = TypeVar("CaseFormT", bound=CaseBase)
Details = IdentifiedFields | AnonymisedFields


def typed_case(
    form: dict[str, Any], model: type[CaseFormT], *, identified: bool
) -> tuple[CaseFormT | None, list[PersonData], Details | None, FormErrors]:
    """The casus form validated: what it always asks (`model`), the persons and the details of
    its kind (identified or anonymised), and the errors of all of them."""
    data, errors = parse_form(model, {"children_involved": False} | form)
    people, person_errors = people_from(form) if identified else ([], {})
    details_model = IdentifiedFields if identified else AnonymisedFields
    details, detail_errors = parse_form(details_model, form)
    return data, people, details, errors | person_errors | detail_errors


def case_values(case: Case, persons: Sequence[disclosure.Shown]) -> dict[str, Any]:
    """The casus as its form shows it, with the persons the disclosure door opened (a damaged
    person leaves its slot empty)."""
    values: dict[str, Any] = {name: getattr(case, name) for name in CORRECTABLE_FIELDS}
    values |= {
        "categories": case.category_list,
        "children_involved": "true" if case.children_involved else "false",
        "personen": max(len(persons), 1),
    }
    for slot, person in enumerate(persons, start=1):
        if isinstance(person, disclosure.Person):
            values |= {
                f"person-{slot}-name": person.name,
                f"person-{slot}-birth_date": person.birth_date.isoformat(),
                f"person-{slot}-bsn": person.bsn or "",
                f"person-{slot}-address": person.address,
            }
    return values


def damaged_slots(persons: Sequence[disclosure.Shown]) -> frozenset[int]:
    """The slots of the persons whose stored data does not open."""
    return frozenset(slot for slot, person in enumerate(persons, start=1) if person.damaged)
