"""Changes to what a casus holds, each behind a page that says what will happen and asks for
confirmation (a post without it changes nothing): the organisation that brought the casus
corrects or withdraws it until the agenda is frozen; it, or the chair, identifies or anonymises
it."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cases import disclosure, flows, service
from app.cases.deps import CaseDep, CaseMemberDep
from app.cases.form import (
    ADD_PERSON,
    BACK,
    CONFIRMED,
    PERSON_SLOT_FIELDS,
    STEP_FIELDS,
    case_values,
    damaged_slots,
    people_from,
    person_slots,
    step,
    typed_case,
)
from app.cases.models import (
    AnonymisedFields,
    Case,
    CaseBase,
    IdentificationChange,
    IdentifiedFields,
)
from app.cases.page import crypto_of, done_or_refused, render_change, render_form
from app.db import SessionDep, today
from app.errors import Forbidden
from app.overleg.access import SeriesAccess
from app.overleg.invitations import MailContext
from app.security import permissions
from app.security.deps import CurrentActor
from app.web import FormErrors, FormValues, form_body, parse_form

router = APIRouter(prefix="/overleggen/{series_id}/casussen/{case_id}")

NOT_CONFIRMED = "Er is niets gewijzigd: bevestig dit eerst met de knop onder aan de pagina."


def _submitter(access: SeriesAccess, case: Case) -> None:
    if not permissions.can_change_submission(
        access.user, access.membership, submitting_organisation_id=case.submitting_organisation_id
    ):
        raise Forbidden


def _identification(access: SeriesAccess, case: Case) -> None:
    if not permissions.can_change_identification(
        access.user, access.membership, submitting_organisation_id=case.submitting_organisation_id
    ):
        raise Forbidden


def _unconfirmed(form: dict[str, Any], errors: FormErrors) -> FormErrors:
    """The errors of a change's form; without them, whether it still lacks the confirmation."""
    return errors or ({} if step(form, CONFIRMED) else {"__all__": NOT_CONFIRMED})


@router.get("/corrigeren")
def correction_form(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    _submitter(access, case)
    persons = disclosure.for_correction(
        session, access=access, case=case, crypto=crypto_of(request), actor=actor, day=today()
    )
    values = case_values(case, persons)
    return render_form(
        request,
        session,
        access,
        values,
        {},
        slots=person_slots(values),
        case=case,
        damaged_slots=damaged_slots(persons),
    )


@router.post(
    "/corrigeren",
    openapi_extra=form_body(
        CaseBase,
        IdentifiedFields,
        AnonymisedFields,
        fields=PERSON_SLOT_FIELDS | STEP_FIELDS | {BACK: {"type": "string", "enum": ["ja"]}},
    ),
)
def correct(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """The form, then a page to check and confirm, then the correction."""
    _submitter(access, case)
    slots = person_slots(form, add=step(form, ADD_PERSON))

    def back_to_form(errors: FormErrors) -> Response:
        return render_form(request, session, access, form, errors, slots=slots, case=case)

    if step(form, ADD_PERSON) or step(form, BACK):
        return back_to_form({})
    data, people, details, errors = typed_case(form, CaseBase, identified=case.identified)
    if errors or data is None or details is None:
        return back_to_form(errors)
    if not step(form, CONFIRMED):
        return render_change(
            request,
            session,
            access,
            case,
            "corrigeren",
            form,
            {},
            slots=slots,
            extra={"person_count": len(people)},
        )
    return done_or_refused(
        request,
        access,
        case,
        lambda: flows.correct(
            session,
            case=case,
            data=data,
            people=people,
            details=details,
            crypto=crypto_of(request),
            by=actor,
            mail=MailContext.of(request.app.state.settings),
        ),
        f"Casus {case.reference} gecorrigeerd.",
        back_to_form,
    )


@router.get("/intrekken")
def withdrawal_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep
) -> Response:
    _submitter(access, case)
    return render_change(request, session, access, case, "intrekken", {}, {})


@router.post("/intrekken", openapi_extra=form_body(fields=STEP_FIELDS))
def withdraw(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _submitter(access, case)

    def page(errors: FormErrors) -> Response:
        return render_change(request, session, access, case, "intrekken", form, errors)

    if not step(form, CONFIRMED):
        return page(_unconfirmed(form, {}))
    return done_or_refused(
        request,
        access,
        case,
        lambda: service.withdraw(session, case=case, by=actor),
        f"Casus {case.reference} ingetrokken.",
        page,
    )


@router.get("/anonimiseren")
def anonymising_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep
) -> Response:
    _identification(access, case)
    return render_change(request, session, access, case, "anonimiseren", {}, {})


@router.post(
    "/anonimiseren",
    openapi_extra=form_body(AnonymisedFields, IdentificationChange, fields=STEP_FIELDS),
)
def anonymise(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _identification(access, case)

    def page(errors: FormErrors) -> Response:
        return render_change(request, session, access, case, "anonimiseren", form, errors)

    details, errors = parse_form(AnonymisedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = _unconfirmed(form, errors | reason_errors)
    if errors or details is None or reason is None:
        return page(errors)
    return done_or_refused(
        request,
        access,
        case,
        lambda: flows.anonymise(
            session,
            case=case,
            details=details,
            reason=reason.change_reason,
            by=actor,
            today=today(),
        ),
        f"Casus {case.reference} geanonimiseerd.",
        page,
    )


@router.get("/identificeren")
def identifying_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep
) -> Response:
    _identification(access, case)
    return render_change(request, session, access, case, "identificeren", {}, {})


@router.post(
    "/identificeren",
    openapi_extra=form_body(
        IdentifiedFields, IdentificationChange, fields=PERSON_SLOT_FIELDS | STEP_FIELDS
    ),
)
def identify(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _identification(access, case)
    slots = person_slots(form, add=step(form, ADD_PERSON))

    def page(errors: FormErrors) -> Response:
        return render_change(
            request, session, access, case, "identificeren", form, errors, slots=slots
        )

    if step(form, ADD_PERSON):
        return page({})
    people, errors = people_from(form)
    details, detail_errors = parse_form(IdentifiedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = _unconfirmed(form, errors | detail_errors | reason_errors)
    if errors or details is None or reason is None:
        return page(errors)
    return done_or_refused(
        request,
        access,
        case,
        lambda: service.identify(
            session,
            case=case,
            people=people,
            details=details,
            reason=reason.change_reason,
            crypto=crypto_of(request),
            by=actor,
        ),
        f"Casus {case.reference} geïdentificeerd.",
        page,
    )
