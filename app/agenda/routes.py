"""Agenda actions of the chair: add an item, move it up or down, freeze the agenda."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.agenda import service
from app.agenda.models import AgendaItem, AgendaItemCreate
from app.cases import service as case_service
from app.db import RowId, SessionDep
from app.errors import DomainError, NotFound
from app.flash import flash
from app.overleg.access import SeriesAccess
from app.overleg.deps import ChairDep, MeetingDep
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting
from app.overleg.routes import render_meeting
from app.security.deps import CurrentActor
from app.web import (
    FormValues,
    domain_errors,
    form_body,
    redirect,
    refusal_status,
    render,
    run_form,
    wants_fragment,
)

router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}/agenda")


def _agenda_response(
    request: Request,
    session: SessionDep,
    access: SeriesAccess,
    meeting: Meeting,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 422,
    confirmation: str | None = None,
) -> Response:
    """The agenda fragment for htmx; otherwise the meeting page (with errors) or back to it. A
    change that went through confirms itself with `confirmation`."""
    if confirmation and not errors:
        flash(request, confirmation)
    if not wants_fragment(request, "agenda") and errors:
        return render_meeting(
            request, session, access, meeting, values=values, errors=errors, status_code=status_code
        )
    if wants_fragment(request, "agenda"):
        return render(
            request,
            "agenda/_agenda.html",
            {
                "access": access,
                "series": access.series,
                "meeting": meeting,
                "items": service.agenda_of(session, meeting_id=meeting.id),
                "spoed_cases": service.spoed_cases(session, meeting_id=meeting.id),
                "errors": errors or {},
                "values": values or {},
            },
            status_code=status_code if errors else 200,
        )
    return redirect(request, f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}#agenda")


def _item(session: SessionDep, meeting: Meeting, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound
    return item


@router.post("", openapi_extra=form_body(AgendaItemCreate))
def add_item(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _, errors = run_form(
        AgendaItemCreate,
        form,
        lambda data: service.add_item(session, meeting=meeting, data=data, by=actor),
    )
    return _agenda_response(
        request, session, access, meeting, errors, form, confirmation="Agendapunt toegevoegd."
    )


@router.post("/{item_id}/{direction}", openapi_extra=form_body())
def move_item(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    direction: str,
    actor: CurrentActor,
) -> Response:
    offsets = {"omhoog": -1, "omlaag": 1}
    if direction not in offsets:
        raise NotFound
    try:
        service.move_item(
            session,
            meeting=meeting,
            item=_item(session, meeting, item_id),
            offset=offsets[direction],
            by=actor,
        )
    except DomainError as exc:
        return _agenda_response(request, session, access, meeting, domain_errors(exc))
    moved = "omhoog" if offsets[direction] < 0 else "omlaag"
    return _agenda_response(
        request, session, access, meeting, confirmation=f"Agendapunt {moved} verplaatst."
    )


@router.post("/vervolg", openapi_extra=form_body())
def add_follow_ups(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    try:
        added = case_service.add_follow_ups(session, meeting=meeting, by=actor)
    except DomainError as exc:
        return _agenda_response(
            request, session, access, meeting, domain_errors(exc), status_code=refusal_status(exc)
        )
    return _agenda_response(request, session, access, meeting, confirmation=_follow_ups(added))


def _follow_ups(added: int) -> str:
    if added == 0:
        return "Er waren geen open casussen meer om als vervolg te agenderen."
    if added == 1:
        return "1 open casus als vervolg op de agenda gezet."
    return f"{added} open casussen als vervolg op de agenda gezet."


@router.post("/vaststellen", openapi_extra=form_body())
def freeze(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    try:
        service.freeze(
            session,
            series=access.series,
            meeting=meeting,
            by=actor,
            mail=MailContext.of(request.app.state.settings),
        )
    except DomainError as exc:
        return _agenda_response(request, session, access, meeting, domain_errors(exc))
    flash(request, "Agenda vastgesteld. De leden krijgen bericht.")
    return redirect(request, f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}")
