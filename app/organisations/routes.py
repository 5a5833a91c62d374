"""Pages for managing organisations (beheerder only)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.covenants import queries as covenant_queries
from app.db import SessionDep, today
from app.flash import flash
from app.organisations import service
from app.organisations.deps import OrganisationDep
from app.organisations.models import (
    ORGANISATION_KIND_LABELS,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
)
from app.security.deps import AccountManager, Confirmed, CurrentActor
from app.web import (
    FormErrors,
    FormValues,
    form_body,
    redirect,
    render,
    run_form,
    with_unchecked_boxes,
)

router = APIRouter(prefix="/organisaties")


def _form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    errors: FormErrors,
    *,
    organisation: Organisation | None,
) -> Response:
    status = (
        covenant_queries.organisation_status(session, organisation=organisation, day=today())
        if organisation is not None
        else []
    )
    return render(
        request,
        "organisations/form.html",
        {
            "values": values,
            "errors": errors,
            "organisation_id": organisation.id if organisation else None,
            "kinds": ORGANISATION_KIND_LABELS,
            "covenant_status": status,
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def organisation_list(request: Request, session: SessionDep, _: AccountManager) -> Response:
    organisations = service.list_organisations(session)
    return render(
        request,
        "organisations/list.html",
        {"organisations": organisations, "kinds": ORGANISATION_KIND_LABELS},
    )


@router.get("/nieuw")
def new_organisation(
    request: Request, session: SessionDep, _: AccountManager, _confirmed: Confirmed
) -> Response:
    return _form(request, session, {}, {}, organisation=None)


@router.post("/nieuw", openapi_extra=form_body(OrganisationCreate))
def create_organisation(
    request: Request,
    session: SessionDep,
    _: AccountManager,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    created, errors = run_form(
        OrganisationCreate,
        form,
        lambda data: service.create_organisation(session, data=data, by=actor),
    )
    if created is not None:
        flash(request, f"Organisatie {created.name} toegevoegd.")
        return redirect(request, "/organisaties")
    return _form(request, session, form, errors, organisation=None)


@router.get("/{organisation_id}")
def edit_organisation(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    _confirmed: Confirmed,
) -> Response:
    return _form(request, session, organisation.model_dump(), {}, organisation=organisation)


@router.post("/{organisation_id}", openapi_extra=form_body(OrganisationUpdate))
def update_organisation(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = with_unchecked_boxes(form, "active")
    _, errors = run_form(
        OrganisationUpdate,
        form,
        lambda data: service.update_organisation(
            session, organisation=organisation, data=data, by=actor
        ),
    )
    if not errors:
        flash(request, f"Organisatie {organisation.name} opgeslagen.")
        return redirect(request, "/organisaties")
    return _form(request, session, form, errors, organisation=organisation)
