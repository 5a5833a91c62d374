"""Casussen of an overleg: the list with its filters and search, the review list, submitting a
casus, and the casus page; the decisions on a casus are in decision_routes.py."""

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import bounds
from app.cases import flows, queries
from app.cases.deps import CaseDep, CaseMemberDep
from app.cases.form import ADD_PERSON, PERSON_SLOT_FIELDS, person_slots, step, typed_case
from app.cases.models import (
    AnonymisedFields,
    CaseCategory,
    CaseStatus,
    CaseSubmission,
    IdentifiedFields,
    Urgency,
)
from app.cases.page import case_path, choices, crypto_of, render_case, render_form
from app.db import SessionDep, today
from app.errors import DomainError
from app.flash import flash
from app.overleg.invitations import MailContext
from app.security.deps import CurrentActor
from app.web import FormValues, domain_errors, filter_choice, form_body, redirect, render

router = APIRouter(prefix="/overleggen/{series_id}/casussen")


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
        status=filter_choice(CaseStatus, status),
        category=filter_choice(CaseCategory, categorie),
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
        "children_involved": "false",
        "urgency": Urgency.REGULAR.value,
        "meeting_id": bijeenkomst,
    }
    return render_form(request, session, access, values, {}, slots=person_slots(values))


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
    adding = step(form, ADD_PERSON)
    slots = person_slots(form, add=adding)
    if adding:
        return render_form(request, session, access, form, {}, slots=slots)
    identified = form.get("identified") == "geïdentificeerd"
    data, people, details, errors = typed_case(form, CaseSubmission, identified=identified)
    if data is not None and not errors:
        try:
            case = flows.submit(
                session,
                series=access.series,
                data=data,
                people=people,
                details=details,
                crypto=crypto_of(request),
                by=actor,
                today=today(),
                mail=MailContext.of(request.app.state.settings),
            )
        except DomainError as exc:
            errors = domain_errors(exc)
        else:
            flash(request, f"Casus {case.reference} ingediend.")
            return redirect(request, case_path(access, case))
    return render_form(request, session, access, form, errors, slots=slots)


@router.get("/{case_id}")
def case_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    return render_case(request, session, access, case, actor)
