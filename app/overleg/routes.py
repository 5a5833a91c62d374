"""Pages for overleggen and their meetings: plan, view, move, cancel, calendar files."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.agenda import service as agenda_service
from app.attendance import service as attendance_service
from app.calendar import ics
from app.covenants import queries as covenant_queries
from app.dates import WEEKDAYS, long_date
from app.db import SessionDep, today, utcnow
from app.flash import flash
from app.minutes import readers as minutes_readers
from app.overleg import flows, page, queries, service
from app.overleg.access import SeriesAccess
from app.overleg.deps import MeetingDep, PlannerDep, SeriesDep
from app.overleg.invitations import MailContext, describe
from app.overleg.models import (
    Meeting,
    MeetingCancellation,
    MeetingSeries,
    MeetingTimes,
    RecurrenceFields,
    SeriesDetails,
    SeriesEdit,
    SeriesKind,
    SeriesPlan,
)
from app.overleg.schedule import local, next_working_day, proposed_day
from app.overleg.service import TableChange
from app.security.deps import Confirmed, CurrentActor, CurrentUser, SeriesPlanner
from app.web import (
    YES_OR_NO,
    FormErrors,
    FormValues,
    attachment,
    form_body,
    redirect,
    render,
    run_form,
    with_unchecked_boxes,
)

router = APIRouter(prefix="/overleggen")

ICS_TYPE = "text/calendar; charset=utf-8"


def _base_url(request: Request) -> str:
    return request.app.state.settings.base_url


def _mail(request: Request) -> MailContext:
    return MailContext.of(request.app.state.settings)


def _ics(content: bytes, filename: str) -> Response:
    return attachment(content, media_type=ICS_TYPE, filename=filename)


@router.get("")
def series_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(
        request, "overleg/list.html", {"rows": queries.series_for(session, user=user, now=utcnow())}
    )


REFRESH = {"actie": {"type": "string", "enum": ["personen"]}}


def _plan_form(
    request: Request, session: Session, values: dict[str, Any], errors: FormErrors
) -> Response:
    return page.table_form(
        request,
        session,
        "overleg/form.html",
        values,
        errors,
        {
            "kinds": [(kind.value, kind.value.capitalize()) for kind in SeriesKind],
            "weekdays": list(enumerate(WEEKDAYS)),
        },
    )


@router.get("/nieuw")
def new_series(
    request: Request, session: SessionDep, _: SeriesPlanner, _confirmed: Confirmed
) -> Response:
    values = {
        "interval_weeks": 4,
        "weekday": 1,
        "start_time": "09:30",
        "duration_minutes": 120,
        "deadline_working_days": 5,
        "allow_declarations": True,
        "starts_on": today().isoformat(),
        "case_retention_months": 24,
        "minutes_retention_months": 60,
    }
    return _plan_form(request, session, values, {})


@router.post("/nieuw", openapi_extra=form_body(SeriesPlan, fields=REFRESH))
def create_series(
    request: Request,
    session: SessionDep,
    _: SeriesPlanner,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = with_unchecked_boxes(form, "allow_declarations", "names_in_minutes")
    if page.refreshing(form):
        return _plan_form(request, session, form, {})
    series, errors = run_form(
        SeriesPlan,
        form,
        lambda plan: service.create_series(
            session, plan=plan, by=actor, today=today(), mail=_mail(request)
        ),
    )
    if series is None:
        return _plan_form(request, session, form, errors)
    flash(request, f"Overleg {series.name} gepland. De leden krijgen een uitnodiging.")
    return redirect(request, f"/overleggen/{series.id}")


def _edit_form(
    request: Request,
    session: Session,
    series: MeetingSeries,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    return page.table_form(
        request, session, "overleg/edit_form.html", values, errors, {"series": series}
    )


@router.get("/{series_id}/wijzigen")
def edit_page(
    request: Request, session: SessionDep, access: PlannerDep, _confirmed: Confirmed
) -> Response:
    series = access.series
    values = SeriesDetails.model_validate(series).model_dump() | queries.table_of(
        session, series=series
    ).model_dump(exclude_none=True)
    return _edit_form(request, session, series, values, {})


@router.post("/{series_id}/wijzigen", openapi_extra=form_body(SeriesEdit, fields=REFRESH))
def edit_series(
    request: Request,
    session: SessionDep,
    access: PlannerDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    if page.refreshing(form):
        return _edit_form(request, session, access.series, form, {})
    change, errors = run_form(
        SeriesEdit,
        form,
        lambda edit: flows.edit_series(
            session, series=access.series, edit=edit, by=actor, mail=_mail(request)
        ),
    )
    if change is None:
        return _edit_form(request, session, access.series, form, errors)
    flash(request, _edit_confirmation(access.series, change))
    return redirect(request, f"/overleggen/{access.series.id}")


def _edit_confirmation(series: MeetingSeries, change: TableChange) -> str:
    done = f"Overleg {series.name} opgeslagen."
    if change.calendar_changed:
        return f"{done} Alle leden krijgen een bijgewerkte uitnodiging."
    if change.joined:
        joined = "Het nieuwe lid krijgt" if len(change.joined) == 1 else "De nieuwe leden krijgen"
        return f"{done} {joined} een uitnodiging."
    return done


@router.get("/{series_id}")
def series_page(request: Request, session: SessionDep, access: SeriesDep) -> Response:
    return render(
        request,
        "overleg/detail.html",
        {
            "access": access,
            "overview": queries.series_overview(
                session, series=access.series, now=utcnow(), day=today()
            ),
            "next_working_day": next_working_day,
            "local": local,
        },
    )


@router.post(
    "/{series_id}/namen-in-verslag",
    openapi_extra=form_body(fields={"names_in_minutes": YES_OR_NO}),
)
def names_in_minutes(
    request: Request, session: SessionDep, access: PlannerDep, actor: CurrentActor, form: FormValues
) -> Response:
    on = form.get("names_in_minutes") == "true"
    service.set_names_in_minutes(session, series=access.series, on=on, by=actor)
    if on:
        flash(request, "Namen in het verslag staan aan.")
    else:
        flash(request, "Namen in het verslag staan uit: alleen referentie en pseudoniem.")
    return redirect(request, f"/overleggen/{access.series.id}")


@router.get("/{series_id}/kalender.ics")
def series_calendar(request: Request, session: SessionDep, access: SeriesDep) -> Response:
    meetings = queries.all_meetings(session, series_ids=[access.series.id])
    return _ics(
        ics.series_calendar(access.series, meetings, base_url=_base_url(request)), "overleg.ics"
    )


def _recurrence_form(
    request: Request, series: MeetingSeries, values: dict[str, Any], errors: FormErrors
) -> Response:
    return render(
        request,
        "overleg/recurrence_form.html",
        {
            "series": series,
            "values": values,
            "errors": errors,
            "weekdays": list(enumerate(WEEKDAYS)),
        },
        status_code=422 if errors else 200,
    )


@router.get("/{series_id}/planning")
def recurrence_page(request: Request, access: PlannerDep) -> Response:
    values = RecurrenceFields.model_validate(access.series).model_dump(mode="json")
    return _recurrence_form(request, access.series, values, {})


@router.post("/{series_id}/planning", openapi_extra=form_body(RecurrenceFields))
def change_recurrence(
    request: Request, session: SessionDep, access: PlannerDep, actor: CurrentActor, form: FormValues
) -> Response:
    change, errors = run_form(
        RecurrenceFields,
        form,
        lambda rule: service.change_recurrence(
            session, series=access.series, rule=rule, by=actor, today=today(), mail=_mail(request)
        ),
    )
    if change is None:
        return _recurrence_form(request, access.series, form, errors)
    flash(request, "Herhaling opgeslagen. De leden krijgen een bijgewerkte uitnodiging.")
    return render(
        request,
        "overleg/recurrence_result.html",
        {"series": access.series, "change": change},
    )


def _times_form(
    request: Request,
    series: MeetingSeries,
    meeting: Meeting | None,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    return render(
        request,
        "overleg/meeting_times_form.html",
        {
            "series": series,
            "meeting": meeting,
            "values": values,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


@router.get("/{series_id}/bijeenkomsten/nieuw")
def new_meeting(request: Request, access: PlannerDep) -> Response:
    series = access.series
    values = {
        "start_time": series.start_time.isoformat(timespec="minutes"),
        "location": series.default_location,
        "duration_minutes": series.duration_minutes,
    }
    return _times_form(request, series, None, values, {})


@router.post("/{series_id}/bijeenkomsten/nieuw", openapi_extra=form_body(MeetingTimes))
def add_meeting(
    request: Request, session: SessionDep, access: PlannerDep, actor: CurrentActor, form: FormValues
) -> Response:
    meeting, errors = run_form(
        MeetingTimes,
        form,
        lambda times: service.add_meeting(
            session, series=access.series, times=times, by=actor, mail=_mail(request)
        ),
    )
    if meeting is None:
        return _times_form(request, access.series, None, form, errors)
    flash(request, f"Extra bijeenkomst gepland op {describe(meeting)}. De leden krijgen bericht.")
    return redirect(request, _meeting_path(access.series, meeting))


def render_meeting(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 422,
) -> Response:
    """The meeting page; forms on it come back here with their errors and typed values."""
    series = access.series
    return render(
        request,
        "overleg/meeting.html",
        {
            "access": access,
            "series": series,
            "meeting": meeting,
            "local": local,
            "items": agenda_service.agenda_of(session, meeting_id=meeting.id),
            "spoed_cases": agenda_service.spoed_cases(session, meeting_id=meeting.id),
            "attendance": attendance_service.expected_attendance(
                session, series=series, meeting=meeting, viewer=access.user
            ),
            "declaration_text": attendance_service.current_declaration_text(session),
            "covenant": covenant_queries.covenant_title(session, covenant_id=series.covenant_id),
            "next_working_day": next_working_day,
            "minutes_readable": meeting.status in minutes_readers.RECORDED
            and minutes_readers.Reader(session, access, meeting).minutes,
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status_code if errors else 200,
    )


@router.get("/{series_id}/bijeenkomsten/{meeting_id}")
def meeting_page(
    request: Request, session: SessionDep, access: SeriesDep, meeting: MeetingDep
) -> Response:
    return render_meeting(request, session, access, meeting)


@router.get("/{series_id}/bijeenkomsten/{meeting_id}/kalender.ics")
def meeting_calendar(request: Request, access: SeriesDep, meeting: MeetingDep) -> Response:
    return _ics(
        ics.meeting_calendar(access.series, meeting, base_url=_base_url(request)),
        "bijeenkomst.ics",
    )


def _meeting_path(series: MeetingSeries, meeting: Meeting) -> str:
    return f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}"


@router.get("/{series_id}/bijeenkomsten/{meeting_id}/verplaatsen")
def move_page(request: Request, access: PlannerDep, meeting: MeetingDep) -> Response:
    start = local(meeting.starts_at)
    values = {
        # On a holiday the form offers the day the meeting lists propose.
        "day": proposed_day(start.date()).isoformat(),
        "start_time": start.time().isoformat(timespec="minutes"),
        "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
        "location": meeting.location,
    }
    return _times_form(request, access.series, meeting, values, {})


@router.post(
    "/{series_id}/bijeenkomsten/{meeting_id}/verplaatsen", openapi_extra=form_body(MeetingTimes)
)
def move_meeting(
    request: Request,
    session: SessionDep,
    access: PlannerDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    moved, errors = run_form(
        MeetingTimes,
        form,
        lambda times: service.move_meeting(
            session,
            series=access.series,
            meeting=meeting,
            times=times,
            by=actor,
            mail=_mail(request),
        ),
    )
    if moved is None:
        return _times_form(request, access.series, meeting, form, errors)
    flash(request, f"Bijeenkomst verplaatst naar {describe(moved)}. De leden krijgen bericht.")
    return redirect(request, _meeting_path(access.series, meeting))


def _cancel_form(
    request: Request,
    series: MeetingSeries,
    meeting: Meeting,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    return render(
        request,
        "overleg/cancel_form.html",
        {
            "series": series,
            "meeting": meeting,
            "values": values,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


@router.get("/{series_id}/bijeenkomsten/{meeting_id}/annuleren")
def cancel_page(request: Request, access: PlannerDep, meeting: MeetingDep) -> Response:
    return _cancel_form(request, access.series, meeting, {}, {})


@router.post(
    "/{series_id}/bijeenkomsten/{meeting_id}/annuleren",
    openapi_extra=form_body(MeetingCancellation),
)
def cancel_meeting(
    request: Request,
    session: SessionDep,
    access: PlannerDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    cancelled, errors = run_form(
        MeetingCancellation,
        form,
        lambda data: service.cancel_meeting(
            session, series=access.series, meeting=meeting, data=data, by=actor, mail=_mail(request)
        ),
    )
    if cancelled is None:
        return _cancel_form(request, access.series, meeting, form, errors)
    day = long_date(cancelled.starts_at)
    flash(request, f"Bijeenkomst van {day} geannuleerd. De leden krijgen een annulering.")
    return redirect(request, _meeting_path(access.series, meeting))
