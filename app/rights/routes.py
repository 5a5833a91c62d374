"""The register of rights requests and the inzage-overzicht (FG only; 404 for anyone else)."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.audit import Actor
from app.cases import disclosure
from app.cases.models import Case, PersonData
from app.db import SessionDep, today
from app.errors import DomainError
from app.flash import flash
from app.retention import purge
from app.rights import flows, queries, service
from app.rights.deps import PrivacyOfficer, RequestDep
from app.rights.models import (
    Decision,
    Erasure,
    Extension,
    PersonSearch,
    Rectification,
    RectifiedField,
    Redaction,
    RequestKind,
    RequestRegistration,
    RequestStatus,
    RightsRequest,
)
from app.security.crypto import CaseCrypto
from app.security.deps import Confirmed, CurrentActor
from app.web import (
    FormErrors,
    FormValues,
    attachment,
    domain_errors,
    enum_options,
    form_body,
    parse_form,
    redirect,
    render,
    validation_errors,
)

router = APIRouter(prefix="/avg-verzoeken")
# What each corrected field is called in a PersonData.
PERSON_FIELD_NAMES = {
    RectifiedField.NAME: "name",
    RectifiedField.BIRTH_DATE: "birth_date",
    RectifiedField.BSN: "bsn",
    RectifiedField.ADDRESS: "address",
}


def _crypto(request: Request) -> CaseCrypto:
    crypto: CaseCrypto = request.app.state.crypto
    return crypto


@router.get("")
def register(request: Request, session: SessionDep, _: PrivacyOfficer) -> Response:
    return render(
        request,
        "rights/list.html",
        {"requests": queries.register(session), "today": today()},
    )


def _new_form(request: Request, values: dict[str, Any], errors: FormErrors) -> Response:
    return render(
        request,
        "rights/new.html",
        {"values": values, "errors": errors, "kinds": enum_options(RequestKind)},
        status_code=422 if errors else 200,
    )


@router.get("/nieuw")
def new_request(request: Request, _: PrivacyOfficer) -> Response:
    return _new_form(request, {"received_on": today().isoformat()}, {})


@router.post("/nieuw", openapi_extra=form_body(RequestRegistration))
def create_request(
    request: Request, session: SessionDep, _: PrivacyOfficer, actor: CurrentActor, form: FormValues
) -> Response:
    data, errors = parse_form(RequestRegistration, form)
    if data is None:
        return _new_form(request, form, errors)
    registered = service.register(session, data=data, by=actor)
    flash(request, f"Verzoek {registered.reference} geregistreerd.")
    return redirect(request, f"/avg-verzoeken/{registered.id}")


def _detail(
    request: Request,
    session: Session,
    rights_request: RightsRequest,
    actor: Actor,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    """The request's page; what was found about its person is shown (and logged) only when
    the person has been looked up."""
    assert rights_request.id is not None
    found = _found(session, rights_request, actor)
    contents = (
        queries.case_contents(session, case_ids=[f.case.id for f in found])
        if rights_request.has_subject
        else []
    )
    return render(
        request,
        "rights/detail.html",
        {
            "rights_request": rights_request,
            "found": found,
            "parts": [part for content in contents for part in content.parts],
            "redactions": queries.redactions(session, request_id=rights_request.id),
            "today": today(),
            "values": values or {},
            "errors": errors or {},
            "statuses": [(s, s) for s in RequestStatus if s != RequestStatus.OPEN],
            "fields": enum_options(RectifiedField),
        },
        status_code=422 if errors else 200,
    )


@router.get("/{request_id}")
def request_page(
    request: Request, session: SessionDep, rights_request: RequestDep, actor: CurrentActor
) -> Response:
    return _detail(request, session, rights_request, actor)


def _found(
    session: Session, rights_request: RightsRequest, actor: Actor
) -> list[disclosure.FoundCase]:
    """The casussen about the request's person (the search logged), none before it is known."""
    if not rights_request.has_subject:
        return []
    assert rights_request.id is not None
    return disclosure.find_for_rights_request(
        session,
        request_id=rights_request.id,
        subject=service.subject_of(rights_request),
        actor=actor,
    )


def _act(
    request: Request,
    session: Session,
    rights_request: RightsRequest,
    actor: Actor,
    form: dict[str, Any],
    action: Callable[[], object],
    message: str,
) -> Response:
    """Run a use case on the request: back to its page with a message, or the page again with
    the refusal beside the field and everything typed."""
    try:
        action()
    except DomainError as exc:
        session.rollback()
        return _detail(request, session, rights_request, actor, form, domain_errors(exc))
    flash(request, message)
    return redirect(request, f"/avg-verzoeken/{rights_request.id}")


@router.post("/{request_id}/verlengen", openapi_extra=form_body(Extension))
def extend(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(Extension, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    return _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.extend(
            session, request=rights_request, reason=data.extension_reason, by=actor
        ),
        f"De termijn van {rights_request.reference} is met twee maanden verlengd.",
    )


@router.post("/{request_id}/zoeken", openapi_extra=form_body(PersonSearch))
def search(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(PersonSearch, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    subject = disclosure.subject_from(
        _crypto(request), bsn=data.bsn, name=data.name, birth_date=data.birth_date
    )
    return _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.link_subject(session, request=rights_request, subject=subject, by=actor),
        "De persoon is opgezocht; hieronder staan de casussen over deze persoon.",
    )


@router.get("/{request_id}/overzicht-concept.pdf")
def concept(
    request: Request, session: SessionDep, rights_request: RequestDep, actor: CurrentActor
) -> Response:
    if not rights_request.has_subject:
        return _detail(
            request, session, rights_request, actor, errors={"bsn": "Zoek eerst de persoon op."}
        )
    content = flows.concept_pdf(
        session, request=rights_request, crypto=_crypto(request), actor=actor
    )
    return attachment(
        content, media_type="application/pdf", filename=flows.filename(rights_request, "concept")
    )


@router.post("/{request_id}/weglaten", openapi_extra=form_body(Redaction))
def redact(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(Redaction, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    return _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.redact(session, request=rights_request, redaction=data, by=actor),
        "Het onderdeel wordt weggelaten uit het inzage-overzicht.",
    )


@router.post("/{request_id}/definitief", openapi_extra=form_body())
def finalise(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    _: Confirmed,
    actor: CurrentActor,
) -> Response:
    return _act(
        request,
        session,
        rights_request,
        actor,
        {},
        lambda: flows.finalise(
            session, request=rights_request, crypto=_crypto(request), actor=actor
        ),
        f"Het inzage-overzicht bij {rights_request.reference} is definitief.",
    )


@router.get("/{request_id}/overzicht.pdf")
def final_overview(
    request: Request, session: SessionDep, rights_request: RequestDep, actor: CurrentActor
) -> Response:
    if rights_request.overview_pdf is None:
        return redirect(request, f"/avg-verzoeken/{rights_request.id}")
    service.log_overview_download(session, request=rights_request, by=actor)
    return attachment(
        rights_request.overview_pdf,
        media_type="application/pdf",
        filename=flows.filename(rights_request, "definitief"),
    )


def _rectified_person(
    session: Session,
    request: Request,
    rights_request: RightsRequest,
    data: Rectification,
    actor: Actor,
) -> PersonData | FormErrors:
    """The subject's stored person with one field corrected, validated as a person; or why not."""
    assert rights_request.id is not None
    people = disclosure.subject_for_rights_request(
        session,
        request_id=rights_request.id,
        subject=service.subject_of(rights_request),
        crypto=_crypto(request),
        actor=actor,
    )
    current = next(
        (p.shown for p in people if (p.case_id, p.position) == (data.case_id, data.position)),
        None,
    )
    if not isinstance(current, disclosure.Person):
        return {"person": "Kies een persoon uit de gevonden casussen."}
    values = {
        "name": current.name,
        "birth_date": current.birth_date,
        "bsn": current.bsn,
        "address": current.address,
    } | {PERSON_FIELD_NAMES[data.field]: data.value}
    try:
        return PersonData.model_validate(values)
    except ValidationError as exc:
        return {"value": next(iter(validation_errors(exc).values()))}


@router.post("/{request_id}/rectificatie", openapi_extra=form_body(Rectification))
def rectify(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    _: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(Rectification, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    person = _rectified_person(session, request, rights_request, data, actor)
    case = session.get(Case, data.case_id)
    if not isinstance(person, PersonData) or case is None:
        refusal = person if isinstance(person, dict) else {"person": "Kies een persoon."}
        return _detail(request, session, rights_request, actor, form, refusal)
    return _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.rectify(
            session,
            request=rights_request,
            case=case,
            position=data.position,
            person=person,
            field_label=data.field,
            reason=data.rectification_reason,
            crypto=_crypto(request),
            by=actor,
        ),
        f"De {data.field} is gerectificeerd in casus {case.reference}.",
    )


@router.post("/{request_id}/wissen", openapi_extra=form_body(Erasure))
def erase(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    _: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(Erasure, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    case = next(
        (
            found.case
            for found in _found(session, rights_request, actor)
            if found.case.id == data.erased_case_id
        ),
        None,
    )
    if case is None:
        refusal = {"erased_case_id": "Kies een casus over deze persoon."}
        return _detail(request, session, rights_request, actor, form, refusal)
    response = _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.erase_case(
            session,
            request=rights_request,
            case=case,
            reason=data.erasure_reason,
            by=actor,
            on=today(),
        ),
        f"Casus {case.reference} is gewist: personen verwijderd, teksten vervangen.",
    )
    if response.status_code == 303:
        purge.reclaim_space(request.app.state.engine)
    return response


@router.post("/{request_id}/besluit", openapi_extra=form_body(Decision))
def decide(
    request: Request,
    session: SessionDep,
    rights_request: RequestDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    data, errors = parse_form(Decision, form)
    if data is None:
        return _detail(request, session, rights_request, actor, form, errors)
    return _act(
        request,
        session,
        rights_request,
        actor,
        form,
        lambda: service.decide(
            session, request=rights_request, decision=data, on=today(), by=actor
        ),
        f"Verzoek {rights_request.reference} is afgehandeld.",
    )
