"""Who is at the table during the live meeting: presence, guests, leaving the room for an
item, and a guest's paper geheimhoudingsverklaring."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app import bounds
from app.attendance import service as attendance_service
from app.db import RowId
from app.errors import DomainError
from app.meetings import service
from app.meetings.models import Presence
from app.meetings.page import CASE, NAV, LiveDep
from app.web import CHOSEN_ID, TEXT, YES_OR_NO, FormValues, choice, choice_of, form_body

router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}/live")

ATTENDANCE = [("attendance", {}), NAV]


@router.post(
    "/aanwezigheid",
    openapi_extra=form_body(
        item_fields={"presence": choice_of(Presence), "shown": choice_of(Presence)}
    ),
)
def set_attendance(live: LiveDep, form: FormValues) -> Response:
    """Everyone's attendance on one form: only the rows changed since it was shown are saved."""
    return live.act(
        form,
        lambda: service.set_attendance(
            live.session, meeting=live.meeting, changes=_attendance_changes(form), by=live.actor
        ),
        parts=ATTENDANCE,
        anchor="aanwezigheid",
    )


def _attendance_changes(form: dict[str, Any]) -> dict[int, tuple[Presence | None, Presence]]:
    """Per member the presence the form showed and the one chosen, where they differ."""
    changes: dict[int, tuple[Presence | None, Presence]] = {}
    for key, value in form.items():
        if not key.startswith("presence-"):
            continue
        user_id = bounds.id_from(key.removeprefix("presence-"))
        if user_id is None:
            raise DomainError("Kies aanwezig of afwezig.", field="attendance")
        chosen = choice(Presence, value, key)
        shown = choice(Presence, form.get(f"shown-{user_id}"), key)
        if chosen is None:
            raise DomainError("Kies aanwezig of afwezig.", field=key)
        if chosen != shown:
            changes[user_id] = (shown, chosen)
    return changes


def _chosen(form: dict[str, Any], field: str) -> int | None:
    """The id chosen in an optional select: None when nothing was chosen, refused beside the
    field when it is no id at all (a missing row is for the use case to refuse)."""
    value = form.get(field)
    chosen = bounds.id_from(value)
    if value not in (None, "") and chosen is None:
        raise DomainError("Kies een van de mogelijkheden.", field=field)
    return chosen


def _guest_name(form: dict[str, Any], field: str) -> str:
    name = str(form.get(field, "")).strip()
    if len(name) < 2:
        raise DomainError("Vul de naam van de gast in.", field=field)
    return name[:200]


@router.post(
    "/gasten",
    openapi_extra=form_body(fields={"guest_name": TEXT, "guest_organisation_id": CHOSEN_ID}),
)
def add_guest(live: LiveDep, form: FormValues) -> Response:
    return live.act(
        form,
        lambda: service.add_guest(
            live.session,
            meeting=live.meeting,
            name=_guest_name(form, "guest_name"),
            organisation_id=_chosen(form, "guest_organisation_id"),
            by=live.actor,
        ),
        parts=ATTENDANCE,
        anchor="aanwezigheid",
    )


@router.post(
    "/punten/{item_id}/ruimte/{attendance_id}",
    openapi_extra=form_body(fields={"left": YES_OR_NO}),
)
def left_room(live: LiveDep, item_id: RowId, attendance_id: RowId, form: FormValues) -> Response:
    item, row = live.item(item_id), live.attendance(attendance_id)
    return live.act(
        form,
        lambda: service.set_left_room(
            live.session, item=item, attendance=row, left=form.get("left") == "true", by=live.actor
        ),
        parts=[CASE, NAV],
        item_id=item.id,
        anchor=f"casus-{item.id}",
    )


@router.post("/verklaring-gast", openapi_extra=form_body(fields={"attendance_id": CHOSEN_ID}))
def guest_declaration(live: LiveDep, form: FormValues) -> Response:
    return live.act(
        form,
        lambda: attendance_service.record_paper_declaration(
            live.session,
            series=live.access.series,
            meeting=live.meeting,
            attendance_id=_chosen(form, "attendance_id"),
            by=live.actor,
        ),
        parts=ATTENDANCE,
        anchor="aanwezigheid",
    )
