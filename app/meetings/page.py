"""The live page of the chair: rendering it, and answering the forms on it (a refusal comes
back beside its field, with what was typed)."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import disclosure
from app.cases.models import EscalationBody, LegalBasis
from app.errors import DomainError, NotFound
from app.meetings import queries, service
from app.meetings.models import TEXT_FIELDS, Informing, MeetingAttendance, NextStep, Presence
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting
from app.security.crypto import CaseCrypto
from app.tasks.models import NotDoneReason
from app.web import FormErrors, domain_errors, enum_options, redirect, refusal_status, render


def revealed(
    session: Session, *, access: SeriesAccess, meeting: Meeting, crypto: CaseCrypto, actor: Actor
) -> queries.LiveMeeting:
    """The live meeting with the persons the chair may see where nobody uncovered is in the
    room, through the disclosure door (logged and committed before it is returned)."""
    live = queries.load(session, access=access, meeting=meeting)
    people = disclosure.for_live_meeting(
        session,
        access=access,
        meeting_id=meeting.id,
        day=live.day,
        cases=live.shown_cases,
        crypto=crypto,
        actor=actor,
    )
    for live_item in live.items:
        if live_item.case is not None:
            live_item.people = people.get(live_item.case.id)
    return live


def render_live(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Any,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    missing: list[Any] | None = None,
    status_code: int = 422,
) -> Response:
    """The live page; every form on it comes back here with its errors and typed values
    (422 for a form to put right, `status_code` when the meeting no longer allows it)."""
    live = revealed(
        session, access=access, meeting=meeting, crypto=request.app.state.crypto, actor=actor
    )
    return render(
        request,
        "meetings/live.html",
        {
            "series": access.series,
            "access": access,
            "meeting": meeting,
            "live": live,
            "values": values or {},
            "errors": errors or {},
            "missing": missing or [],
            "presences": enum_options(Presence),
            "next_steps": enum_options(NextStep),
            "informings": enum_options(Informing),
            "bodies": enum_options(EscalationBody),
            "bases": enum_options(LegalBasis),
            "not_done_reasons": enum_options(NotDoneReason),
            "text_fields": TEXT_FIELDS,
            "fingerprint": service.fingerprint,
            "organisation_choices": [(o.id, o.name) for o in live.organisations],
            "guest_choices": [
                (a.attendance.id, f"{a.name} ({a.organisation})")
                for a in live.guests_without_declaration
                if a.attendance
            ],
            "person_choices": [
                (u.id, f"{u.name} ({u.organisation.name})") for u in live.choosable_people
            ],
            "organisation_names": {o.id: o.name for o in live.organisations},
            "person_names": {u.id: u.name for u in live.people},
        },
        status_code=status_code if errors else 200,
    )


def back(request: Request, access: SeriesAccess, meeting: Meeting, anchor: str = "") -> Response:
    """Back to the live page, at the part that was just changed."""
    path = f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}/live"
    return redirect(request, path + (f"#{anchor}" if anchor else ""))


def item_or_404(session: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    """An agenda item of this meeting."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound
    return item


def attendance_or_404(session: Session, meeting: Meeting, attendance_id: int) -> MeetingAttendance:
    """A row of this meeting's attendance."""
    row = session.get(MeetingAttendance, attendance_id)
    if row is None or row.meeting_id != meeting.id:
        raise NotFound
    return row


def act(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Any,
    form: dict[str, Any],
    action: Any,
    anchor: str = "",
) -> Response:
    """Run a use case; a refusal comes back beside its field on the live page."""
    try:
        action()
    except DomainError as exc:
        return render_live(
            request,
            session,
            access,
            meeting,
            actor,
            values=form,
            errors=domain_errors(exc),
            status_code=refusal_status(exc),
        )
    return back(request, access, meeting, anchor)
