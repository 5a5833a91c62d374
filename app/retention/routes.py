"""Bewaartermijnen: what the purge removes in the next 30 days (beheerder and FG), and an
overleg's two terms (changed by a beheerder, with a reason)."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import RowId, SessionDep, today
from app.errors import NotFound
from app.flash import flash
from app.overleg.models import MeetingSeries
from app.retention import queries, service
from app.retention.models import RetentionTerms
from app.security import permissions
from app.security.deps import Confirmed, CurrentActor, RetentionManager, RetentionReader
from app.web import FormErrors, FormValues, form_body, redirect, render, run_form

router = APIRouter(prefix="/bewaartermijnen")
SOON_DAYS = 30


@router.get("")
def upcoming(request: Request, session: SessionDep, user: RetentionReader) -> Response:
    """'Wat wordt binnenkort verwijderd': reference, pseudonym and date; no names."""
    series_rows = queries.series_and_membership(session, user=user)
    series = [row for row, _ in series_rows]
    until = today() + timedelta(days=SOON_DAYS)
    return render(
        request,
        "retention/upcoming.html",
        {
            "due": queries.due_cases(session, until=until),
            "series_names": {s.id: s.name for s in series},
            "series": series,
            "days": SOON_DAYS,
            "may_change": permissions.can_change_retention(user),
            "member_of": {row.id for row, member in series_rows if member},
        },
    )


def _series(session: Session, series_id: int) -> MeetingSeries:
    series = session.get(MeetingSeries, series_id)
    if series is None:
        raise NotFound
    return series


def _terms_page(
    request: Request, series: MeetingSeries, values: dict[str, Any], errors: FormErrors
) -> Response:
    return render(
        request,
        "retention/terms.html",
        {"series": series, "values": values, "errors": errors},
        status_code=422 if errors else 200,
    )


@router.get("/overleggen/{series_id}")
def terms_form(
    request: Request, session: SessionDep, series_id: RowId, _: RetentionManager, _c: Confirmed
) -> Response:
    series = _series(session, series_id)
    values = series.model_dump(include={"case_retention_months", "minutes_retention_months"})
    return _terms_page(request, series, values, {})


@router.post("/overleggen/{series_id}", openapi_extra=form_body(RetentionTerms))
def change_terms(
    request: Request,
    session: SessionDep,
    series_id: RowId,
    _: RetentionManager,
    _c: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    series = _series(session, series_id)
    done, errors = run_form(
        RetentionTerms,
        form,
        lambda terms: service.set_terms(session, series=series, terms=terms, by=actor),
    )
    if done is None:
        return _terms_page(request, series, form, errors)
    flash(request, f"Bewaartermijnen van {series.name} gewijzigd.")
    return redirect(request, "/bewaartermijnen")
