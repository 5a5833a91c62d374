"""Before the meeting: say whether you come; sign a geheimhoudingsverklaring. A guest's paper
declaration is recorded for the guest at the table, in the live meeting."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.attendance import service
from app.attendance.models import Attendance
from app.db import SessionDep
from app.errors import DomainError, NotFound
from app.flash import flash
from app.overleg.access import SeriesAccess
from app.overleg.deps import MeetingDep, SeriesDep
from app.overleg.models import Meeting
from app.overleg.routes import render_meeting
from app.security.deps import CurrentActor
from app.web import TICKED, FormErrors, FormValues, choice_of, form_body, redirect

router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}")


def _done(request: Request, access: SeriesAccess, meeting: Meeting, confirmation: str) -> Response:
    flash(request, confirmation)
    path = f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}#aanwezigheid"
    return redirect(request, path)


ANSWERS = {
    Attendance.YES: "Opgeslagen: u komt naar deze bijeenkomst.",
    Attendance.NO: "Opgeslagen: u komt niet naar deze bijeenkomst.",
}


def _member(access: SeriesAccess) -> None:
    # Only people at the table answer for themselves; a beheerder who is no member has no seat.
    if access.membership is None:
        raise NotFound


@router.post("/aanwezigheid", openapi_extra=form_body(fields={"answer": choice_of(Attendance)}))
def set_intention(
    request: Request, session: SessionDep, access: SeriesDep, meeting: MeetingDep, form: FormValues
) -> Response:
    _member(access)
    errors: FormErrors = {}
    try:
        answer = Attendance(form.get("answer"))
        service.set_intention(session, meeting=meeting, user=access.user, answer=answer)
    except ValueError:
        errors = {"answer": "Kies of u wel of niet komt."}
    except DomainError as exc:
        errors = {"answer": exc.message}
    if errors:
        return render_meeting(request, session, access, meeting, values=form, errors=errors)
    return _done(request, access, meeting, ANSWERS[answer])


@router.post("/verklaring", openapi_extra=form_body(fields={"accept": TICKED}))
def sign_declaration(
    request: Request,
    session: SessionDep,
    access: SeriesDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _member(access)
    errors: FormErrors = {}
    if form.get("accept") != "true":
        errors = {"accept": "Vink aan dat u de verklaring heeft gelezen en ermee instemt."}
    else:
        try:
            service.sign_declaration(
                session, series=access.series, meeting=meeting, user=access.user, by=actor
            )
        except DomainError as exc:
            errors = {"accept": exc.message}
    if errors:
        return render_meeting(request, session, access, meeting, values=form, errors=errors)
    return _done(
        request,
        access,
        meeting,
        "Geheimhoudingsverklaring getekend: u bent voor deze bijeenkomst gedekt.",
    )
