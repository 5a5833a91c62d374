"""Casussen of an overleg: the list with its filters and search, the review list, submitting a
casus, and the casus page; the decisions on a casus are in decision_routes.py."""

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import bounds
from app.cases import queries, service
from app.cases.deps import CaseDep, CaseMemberDep
from app.cases.models import AnonymisedFields, CaseSubmission, IdentifiedFields, Urgency
from app.cases.page import PERSON_SLOT_FIELDS, choices, crypto_of, people_from, render_case
from app.db import SessionDep, today
from app.errors import DomainError
from app.overleg.access import SeriesAccess
from app.security.deps import CurrentActor
from app.web import FormErrors, FormValues, domain_errors, form_body, parse_form, redirect, render

router = APIRouter(prefix="/overleggen/{series_id}/casussen")


def _submission_form(
    request: Request,
    session: Session,
    access: SeriesAccess,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    return render(
        request,
        "cases/form.html",
        {
            "series": access.series,
            "values": values,
            "errors": errors,
            **choices(session, access),
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def case_list(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    status: str = "",
    categorie: str = "",
    eigenaar: str = "",
    inbrenger: str = "",
    zoek: str = Query("", max_length=100),
    acties: str = "",
) -> Response:
    # The filter form sends every field, empty ones included: empty means 'all'.
    filters = queries.CaseFilters(
        status=status or None,
        category=categorie or None,
        owner_organisation_id=bounds.id_from(eigenaar),
        submitting_organisation_id=bounds.id_from(inbrenger),
        search=zoek.replace("\x00", "").strip() or None,
        tasks=acties or None,
    )
    return render(
        request,
        "cases/list.html",
        {
            "series": access.series,
            "rows": queries.list_cases(session, series_id=access.series.id, filters=filters),
            "filters": filters,
            **choices(session, access),
        },
    )


@router.get("/herbeoordelen")
def review_list(request: Request, session: SessionDep, access: CaseMemberDep) -> Response:
    return render(
        request,
        "cases/review.html",
        {
            "series": access.series,
            "cases": queries.due_for_review(session, series_id=access.series.id, day=today()),
        },
    )


@router.get("/nieuw")
def new_case(
    request: Request, session: SessionDep, access: CaseMemberDep, bijeenkomst: int | None = None
) -> Response:
    values = {
        "identified": "geanonimiseerd",
        "urgency": Urgency.REGULAR.value,
        "meeting_id": bijeenkomst,
    }
    return _submission_form(request, session, access, values, {})


@router.post(
    "/nieuw",
    openapi_extra=form_body(
        CaseSubmission, IdentifiedFields, AnonymisedFields, fields=PERSON_SLOT_FIELDS
    ),
)
def submit_case(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = {"children_involved": False} | form
    data, errors = parse_form(CaseSubmission, form)
    identified = form.get("identified") == "geïdentificeerd"
    people, person_errors = people_from(form) if identified else ([], {})
    details_model = IdentifiedFields if identified else AnonymisedFields
    details, detail_errors = parse_form(details_model, form)
    errors = {**errors, **person_errors, **detail_errors}
    if data is not None and not errors:
        try:
            case = service.submit_case(
                session,
                series=access.series,
                data=data,
                people=people,
                details=details,
                crypto=crypto_of(request),
                by=actor,
                today=today(),
            )
        except DomainError as exc:
            errors = domain_errors(exc)
        else:
            return redirect(request, f"/overleggen/{access.series.id}/casussen/{case.id}")
    return _submission_form(request, session, access, form, errors)


@router.get("/{case_id}")
def case_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    return render_case(request, session, access, case, actor)
