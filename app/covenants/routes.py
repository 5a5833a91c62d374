"""Covenant pages: list, the signature matrix, versions, signatures, the declaration text."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from app.covenants import queries, service
from app.covenants.deps import CovenantDep, SignatureDep, VersionDep
from app.covenants.models import (
    MAX_DOCUMENT_BYTES,
    CovenantCreate,
    CovenantSignatureCreate,
    CovenantVersionCreate,
    DeclarationTextCreate,
    SignatureWithdrawal,
)
from app.db import SessionDep, today
from app.flash import flash
from app.organisations import service as organisation_service
from app.security.deps import Confirmed, CovenantManager, CovenantReader, CurrentActor
from app.web import FormErrors, FormValues, attachment, form_body, redirect, render, run_form

DOCUMENT = {"document": {"type": "string", "format": "binary"}}

router = APIRouter(prefix="/convenanten")


def _uploaded(form: dict[str, Any]) -> service.UploadedDocument | None:
    upload = form.pop("document", None)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    # One byte over the limit is enough to know the file is too large.
    return service.UploadedDocument(
        filename=upload.filename, content=upload.file.read(MAX_DOCUMENT_BYTES + 1)
    )


def _version_form(
    request: Request, values: dict[str, Any], errors: FormErrors, *, covenant_id: int | None
) -> Response:
    return render(
        request,
        "covenants/version_form.html",
        {"values": values, "errors": errors, "covenant_id": covenant_id},
        status_code=422 if errors else 200,
    )


@router.get("")
def covenant_list(request: Request, session: SessionDep, _: CovenantReader) -> Response:
    return render(request, "covenants/list.html", {"covenants": queries.list_covenants(session)})


@router.get("/nieuw")
def new_covenant(request: Request, _: CovenantManager) -> Response:
    return _version_form(request, {"label": "1.0"}, {}, covenant_id=None)


@router.post("/nieuw", openapi_extra=form_body(CovenantCreate, fields=DOCUMENT, multipart=True))
def create_covenant(
    request: Request, session: SessionDep, _: CovenantManager, actor: CurrentActor, form: FormValues
) -> Response:
    document = _uploaded(form)
    covenant, errors = run_form(
        CovenantCreate,
        form,
        lambda data: service.create_covenant(session, data=data, document=document, by=actor),
    )
    if covenant is not None:
        flash(request, f"Convenant {covenant.title} vastgelegd.")
        return redirect(request, f"/convenanten/{covenant.id}")
    return _version_form(request, form, errors, covenant_id=None)


@router.get("/{covenant_id}")
def covenant_page(
    request: Request, session: SessionDep, covenant: CovenantDep, _: CovenantReader
) -> Response:
    return render(
        request,
        "covenants/detail.html",
        {"overview": queries.overview(session, covenant=covenant), "today": today()},
    )


@router.get("/{covenant_id}/versies/nieuw")
def new_version(request: Request, covenant: CovenantDep, _: CovenantManager) -> Response:
    return _version_form(request, {}, {}, covenant_id=covenant.id)


@router.post(
    "/{covenant_id}/versies/nieuw",
    openapi_extra=form_body(CovenantVersionCreate, fields=DOCUMENT, multipart=True),
)
def create_version(
    request: Request,
    session: SessionDep,
    covenant: CovenantDep,
    _: CovenantManager,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    document = _uploaded(form)
    version, errors = run_form(
        CovenantVersionCreate,
        form,
        lambda data: service.add_version(
            session, covenant=covenant, data=data, document=document, by=actor
        ),
    )
    if version is not None:
        flash(request, f"Versie {version.label} van het convenant vastgelegd.")
        return redirect(request, f"/convenanten/{covenant.id}")
    return _version_form(request, form, errors, covenant_id=covenant.id)


@router.get("/{covenant_id}/versies/{version_id}/document")
def download_document(
    session: SessionDep, version: VersionDep, _: CovenantReader, actor: CurrentActor
) -> Response:
    document = service.read_document(session, version=version, by=actor)
    return attachment(
        document.content, media_type="application/pdf", filename=f"convenant-{version.id}.pdf"
    )


def _signature_form(
    request: Request,
    session: SessionDep,
    covenant_id: int,
    version: Any,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    organisations = organisation_service.list_organisations(session, only_active=True)
    return render(
        request,
        "covenants/signature_form.html",
        {
            "values": values,
            "errors": errors,
            "covenant_id": covenant_id,
            "version": version,
            "organisation_options": [(o.id, o.name) for o in organisations],
        },
        status_code=422 if errors else 200,
    )


@router.get("/{covenant_id}/versies/{version_id}/ondertekenen")
def new_signature(
    request: Request,
    session: SessionDep,
    covenant: CovenantDep,
    version: VersionDep,
    _: CovenantManager,
    _confirmed: Confirmed,
    organisatie: int | None = None,
) -> Response:
    values = {"organisation_id": organisatie, "signed_on": today().isoformat()}
    return _signature_form(request, session, covenant.id, version, values, {})


@router.post(
    "/{covenant_id}/versies/{version_id}/ondertekenen",
    openapi_extra=form_body(CovenantSignatureCreate),
)
def record_signature(
    request: Request,
    session: SessionDep,
    covenant: CovenantDep,
    version: VersionDep,
    _: CovenantManager,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    signature, errors = run_form(
        CovenantSignatureCreate,
        form,
        lambda data: service.record_signature(session, version=version, data=data, by=actor),
    )
    if signature is not None:
        flash(request, "Ondertekening vastgelegd.")
        return redirect(request, f"/convenanten/{covenant.id}")
    return _signature_form(request, session, covenant.id, version, form, errors)


def _withdrawal_form(
    request: Request, covenant_id: int, signature: Any, values: dict[str, Any], errors: FormErrors
) -> Response:
    return render(
        request,
        "covenants/withdraw_form.html",
        {"values": values, "errors": errors, "covenant_id": covenant_id, "signature": signature},
        status_code=422 if errors else 200,
    )


@router.get("/{covenant_id}/ondertekeningen/{signature_id}/intrekken")
def withdrawal_page(
    request: Request,
    covenant: CovenantDep,
    signature: SignatureDep,
    _: CovenantManager,
    _confirmed: Confirmed,
) -> Response:
    values = {"withdrawn_on": today().isoformat()}
    return _withdrawal_form(request, covenant.id, signature, values, {})


@router.post(
    "/{covenant_id}/ondertekeningen/{signature_id}/intrekken",
    openapi_extra=form_body(SignatureWithdrawal),
)
def withdraw_signature(
    request: Request,
    session: SessionDep,
    covenant: CovenantDep,
    signature: SignatureDep,
    _: CovenantManager,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    withdrawn, errors = run_form(
        SignatureWithdrawal,
        form,
        lambda data: service.withdraw_signature(session, signature=signature, data=data, by=actor),
    )
    if withdrawn is not None:
        flash(request, "Ondertekening ingetrokken.")
        return redirect(request, f"/convenanten/{covenant.id}")
    return _withdrawal_form(request, covenant.id, signature, form, errors)


declaration_router = APIRouter(prefix="/geheimhoudingsverklaring")


def _declaration_page(
    request: Request, session: SessionDep, values: dict[str, Any], errors: FormErrors
) -> Response:
    texts = queries.declaration_texts(session)
    if not values and texts:
        values = {"text": texts[0].text}
    return render(
        request,
        "covenants/declaration.html",
        {"texts": texts, "values": values, "errors": errors},
        status_code=422 if errors else 200,
    )


@declaration_router.get("")
def declaration_page(request: Request, session: SessionDep, _: CovenantManager) -> Response:
    return _declaration_page(request, session, {}, {})


@declaration_router.post("", openapi_extra=form_body(DeclarationTextCreate))
def save_declaration_text(
    request: Request, session: SessionDep, _: CovenantManager, actor: CurrentActor, form: FormValues
) -> Response:
    text, errors = run_form(
        DeclarationTextCreate,
        form,
        lambda data: service.add_declaration_text(session, data=data, by=actor),
    )
    if text is not None:
        flash(request, f"Versie {text.version} van de geheimhoudingsverklaring vastgelegd.")
        return redirect(request, "/geheimhoudingsverklaring")
    return _declaration_page(request, session, form, errors)
