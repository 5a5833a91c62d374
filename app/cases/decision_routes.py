"""The decisions of the chair on a casus: accept or move a late casus, set the owner, escalate or
close it (changes of what a casus holds are in change_routes.py)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from app.cases import service
from app.cases.deps import CaseDep, CaseMemberDep
from app.cases.models import (
    Case,
    CaseClosing,
    CaseEscalation,
    CaseOwnerChange,
)
from app.cases.page import decide, render_case
from app.dates import short_date
from app.db import SessionDep
from app.errors import Forbidden
from app.overleg.access import SeriesAccess
from app.retention import service as retention_service
from app.retention.models import CaseExtension
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
        f"Casus {case.reference} staat op de agenda.",
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
        f"Casus {case.reference} is doorgeschoven naar de volgende bijeenkomst.",
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
    message: str,
) -> Response:
    _chair(access)
    data, errors = parse_form(model, form)
    if data is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return decide(request, session, access, case, actor, form, lambda: use(data), message)


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
        f"Casus-eigenaar van {case.reference} vastgelegd.",
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
        f"Casus {case.reference} opgeschaald.",
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
        f"Casus {case.reference} afgesloten.",
    )


@router.post("/{case_id}/bewaren", openapi_extra=form_body(CaseExtension))
def keep_longer(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """'Bewaartermijn verlengen' (beheerder), with a reason."""
    if not permissions.can_change_retention(access.user):
        raise Forbidden
    data, errors = parse_form(CaseExtension, form)
    if data is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return decide(
        request,
        session,
        access,
        case,
        actor,
        form,
        lambda: retention_service.extend(
            session, case=case, series=access.series, data=data, by=actor
        ),
        f"Casus {case.reference} wordt bewaard tot {short_date(data.kept_until)}.",
    )
