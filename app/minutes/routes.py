"""The verslag of a meeting: read on screen, download (concept, versions, uittreksel, actions
overview), vaststellen and corrigeren. Whoever may not read it gets a 404."""

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.audit import Actor
from app.contacts import queries as contact_queries
from app.db import RowId, SessionDep, today
from app.errors import DomainError, NotFound
from app.flash import flash
from app.meetings import queries as live_queries
from app.minutes import flows, queries, service, snapshot
from app.minutes.flows import Download
from app.minutes.queries import Minutes
from app.minutes.readers import RECORDED, Reader
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.deps import ChairDep, MeetingDep, SeriesDep
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting, MeetingStatus
from app.security.deps import CurrentActor
from app.web import (
    TEXT,
    FormErrors,
    FormValues,
    attachment,
    domain_errors,
    form_body,
    redirect,
    render,
    wants_fragment,
)

# The id of the vaststellen form, which htmx targets (templates/minutes/_finalise.html).
FINALISE_FORM = "vaststellen"
router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}/verslag")


def _reader_or_404(session: Session, access: SeriesAccess, meeting: Meeting) -> Reader:
    """Attendees once the meeting ran; its chairs and beheerders always (the page then says
    there is no verslag yet)."""
    reader = Reader(session, access, meeting)
    if not reader.minutes:
        raise NotFound
    return reader


def _recorded_or_404(meeting: Meeting) -> None:
    if meeting.status not in RECORDED:
        raise NotFound


def _organisations(session: Session, access: SeriesAccess) -> list[Organisation]:
    return list(live_queries.series_organisations(session, access).values())


def _minutes(session: Session, access: SeriesAccess, meeting: Meeting) -> Minutes:
    """What the verslag says: once vastgesteld, what the latest version was rendered from,
    until a correction becomes the next version; before that, the record as it stands now."""
    if meeting.status == MeetingStatus.MINUTES_FINAL:
        final = snapshot.latest(session, access=access, meeting=meeting)
        if final is not None:
            return final
    return queries.load(session, access=access, meeting=meeting)


def _named(
    request: Request, session: Session, access: SeriesAccess, minutes: Minutes, actor: Actor
) -> Minutes:
    """The document about to be shown, with names where allowed (each one logged)."""
    return queries.with_names(
        session, access=access, minutes=minutes, crypto=request.app.state.crypto, actor=actor
    )


def _pdf(download: Download) -> Response:
    return attachment(download.content, media_type="application/pdf", filename=download.filename)


def _page(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    reader = _reader_or_404(session, access, meeting)
    # Logged first: the commit would otherwise expire everything loaded for the page.
    service.read_on_screen(session, meeting=meeting, by=actor)
    recorded = meeting.status in RECORDED
    minutes = _minutes(session, access, meeting)
    if recorded:
        # Only a held meeting's body is shown: a name read for a hidden one would be a false
        # entry in the resident's inzage-overzicht.
        minutes = _named(request, session, access, minutes, actor)
    stored = service.versions(session, meeting=meeting)
    status_line = f"Vastgesteld, versie {stored[0].number}" if stored else flows.CONCEPT_STATUS
    return render(
        request,
        "minutes/page.html",
        {
            "series": access.series,
            "access": access,
            "meeting": meeting,
            "minutes": minutes,
            "recorded": recorded,
            "status_line": status_line,
            "correction_reason": None,
            "versions": stored,
            "excerpts": [
                i for i in minutes.case_items if reader.excerpt(i.case.submitting_organisation_id)
            ],
            "actions": [
                o
                for o in _organisations(session, access)
                if minutes.has_actions(o.id) and reader.actions(o.id)
            ],
            "missing": service.missing(session, meeting=meeting),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def minutes_page(
    request: Request,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    return _page(request, session, access, meeting, actor)


@router.get("/concept.pdf")
def concept(
    request: Request,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    _reader_or_404(session, access, meeting)
    _recorded_or_404(meeting)
    if meeting.status == MeetingStatus.MINUTES_FINAL and not access.can_run:
        raise NotFound
    # After vaststellen the concept is the chair's preview of the next correction.
    minutes = _named(
        request, session, access, queries.load(session, access=access, meeting=meeting), actor
    )
    return _pdf(flows.download_rendered(session, minutes=minutes, final=None, by=actor))


@router.get("/versies/{number}.pdf")
def final_version(
    number: RowId,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    _reader_or_404(session, access, meeting)
    download = flows.download_version(session, meeting=meeting, number=number, by=actor)
    if download is None:
        raise NotFound
    return _pdf(download)


@router.get("/uittreksel/{item_id}.pdf")
def excerpt(
    item_id: RowId,
    request: Request,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    _recorded_or_404(meeting)
    reader = Reader(session, access, meeting)
    minutes = _minutes(session, access, meeting)
    part = minutes.excerpt(item_id)
    if part is None or not reader.excerpt(part.items[0].case.submitting_organisation_id):
        raise NotFound
    case = part.items[0].case
    contacts = contact_queries.owner_contacts_by_case(session, cases=[case], day=today())
    part = replace(part, owner_contacts=contacts[case.id])
    return _pdf(
        _from_record(session, meeting, _named(request, session, access, part, actor), actor)
    )


@router.get("/acties/{organisation_id}.pdf")
def actions(
    organisation_id: RowId,
    request: Request,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    _recorded_or_404(meeting)
    reader = Reader(session, access, meeting)
    organisations = {o.id: o for o in _organisations(session, access)}
    organisation = organisations.get(organisation_id)
    if organisation is None or not reader.actions(organisation_id):
        raise NotFound
    minutes = _minutes(session, access, meeting)
    if not minutes.has_actions(organisation_id):
        raise NotFound
    part = minutes.actions_of(organisation_id, organisation.name)
    return _pdf(_from_record(session, meeting, part, actor))


def _from_record(session: Session, meeting: Meeting, part: Minutes, actor: Actor) -> Download:
    stored = service.versions(session, meeting=meeting)
    return flows.download_rendered(
        session, minutes=part, final=stored[0] if stored else None, by=actor
    )


@router.post("/vaststellen", openapi_extra=form_body())
def finalise(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    return _change(
        request,
        session,
        access,
        meeting,
        actor,
        {},
        lambda: flows.finalise(
            session,
            access=access,
            meeting=meeting,
            crypto=request.app.state.crypto,
            by=actor,
            mail=MailContext.of(request.app.state.settings),
        ),
        "Verslag vastgesteld. De deelnemers krijgen bericht.",
    )


@router.post("/correctie", openapi_extra=form_body(fields={"reason": TEXT}))
def correct(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _change(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        lambda: flows.correct(
            session,
            access=access,
            meeting=meeting,
            crypto=request.app.state.crypto,
            reason=str(form.get("reason", "")),
            by=actor,
            mail=MailContext.of(request.app.state.settings),
        ),
        "Correctie van het verslag vastgesteld. De deelnemers krijgen bericht.",
    )


def _finalise_form(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    errors: FormErrors,
) -> Response:
    """The vaststellen form alone with why it was refused (htmx swaps it in place)."""
    context = {
        "series": access.series,
        "meeting": meeting,
        "missing": service.missing(session, meeting=meeting),
        "errors": errors,
    }
    return render(request, "minutes/_finalise.html", context, status_code=422)


def _change(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Actor,
    form: dict[str, Any],
    action: Any,
    done: str,
) -> Response:
    try:
        action()
    except DomainError as exc:
        session.rollback()
        if wants_fragment(request, FINALISE_FORM):
            return _finalise_form(request, session, access, meeting, domain_errors(exc))
        return _page(
            request, session, access, meeting, actor, values=form, errors=domain_errors(exc)
        )
    flash(request, done)
    return redirect(request, f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}/verslag")
