"""The decisions on a casus: the chair accepts or moves a late casus, sets the owner, escalates
or closes; the submitting organisation identifies or anonymises it."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from app.cases import service
from app.cases.deps import CaseDep, CaseMemberDep
from app.cases.models import (
    AnonymisedFields,
    Case,
    CaseClosing,
    CaseEscalation,
    CaseOwnerChange,
    IdentificationChange,
    IdentifiedFields,
)
from app.cases.page import PERSON_SLOT_FIELDS, crypto_of, decide, people_from, render_case
from app.db import SessionDep
from app.errors import Forbidden
from app.overleg.access import SeriesAccess
from app.security import permissions
from app.security.deps import CurrentActor
from app.web import FormValues, form_body, parse_form

router = APIRouter(prefix="/overleggen/{series_id}/casussen")


def _chair(access: SeriesAccess) -> None:
    if not access.can_run:
        raise Forbidden


@router.post("/{case_id}/accepteren", openapi_extra=form_body())
def accept_late(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    _chair(access)
    return decide(
        request,
        session,
        access,
        case,
        actor,
        {},
        lambda: service.accept_late(session, case=case, by=actor),
    )


@router.post("/{case_id}/doorschuiven", openapi_extra=form_body())
def move_to_next(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    _chair(access)
    return decide(
        request,
        session,
        access,
        case,
        actor,
        {},
        lambda: service.move_to_next_meeting(session, case=case, by=actor),
    )


def _form_decision(
    request: Request,
    session: Session,
    access: SeriesAccess,
    case: Case,
    actor: Any,
    form: dict[str, Any],
    model: type[BaseModel],
    use: Any,
) -> Response:
    _chair(access)
    data, errors = parse_form(model, form)
    if data is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return decide(request, session, access, case, actor, form, lambda: use(data))


@router.post("/{case_id}/eigenaar", openapi_extra=form_body(CaseOwnerChange))
def set_owner(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseOwnerChange,
        lambda d: service.set_owner(
            session,
            case=case,
            by=actor,
            organisation_id=d.owner_organisation_id,
            user_id=d.owner_user_id,
        ),
    )


@router.post("/{case_id}/opschalen", openapi_extra=form_body(CaseEscalation))
def escalate(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseEscalation,
        lambda d: service.escalate(
            session,
            case=case,
            body=d.escalated_to,
            on=d.escalated_on,
            reason=d.escalation_reason,
            by=actor,
        ),
    )


@router.post("/{case_id}/afsluiten", openapi_extra=form_body(CaseClosing))
def close(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseClosing,
        lambda d: service.close(
            session, case=case, on=d.closed_on, reason=d.closed_reason, by=actor
        ),
    )


@router.post(
    "/{case_id}/identificeren",
    openapi_extra=form_body(IdentifiedFields, IdentificationChange, fields=PERSON_SLOT_FIELDS),
)
def identify(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _may_change_identification(access, case)
    people, errors = people_from(form)
    details, detail_errors = parse_form(IdentifiedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = {**errors, **detail_errors, **reason_errors}
    if errors or details is None or reason is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return decide(
        request,
        session,
        access,
        case,
        actor,
        form,
        lambda: service.identify(
            session,
            case=case,
            people=people,
            details=details,
            reason=reason.change_reason,
            crypto=crypto_of(request),
            by=actor,
        ),
    )


@router.post(
    "/{case_id}/anonimiseren", openapi_extra=form_body(AnonymisedFields, IdentificationChange)
)
def anonymise(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _may_change_identification(access, case)
    details, errors = parse_form(AnonymisedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = {**errors, **reason_errors}
    if errors or details is None or reason is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return decide(
        request,
        session,
        access,
        case,
        actor,
        form,
        lambda: service.anonymise(
            session, case=case, details=details, reason=reason.change_reason, by=actor
        ),
    )


def _may_change_identification(access: SeriesAccess, case: Case) -> None:
    if not permissions.can_change_identification(
        access.user, access.membership, submitting_organisation_id=case.submitting_organisation_id
    ):
        raise Forbidden
