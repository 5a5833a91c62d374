"""Use cases for covenants: record versions and signatures, withdraw, download; what the pages
read is in queries.py."""

import hashlib
from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor
from app.covenants.models import (
    MAX_DOCUMENT_BYTES,
    Covenant,
    CovenantCreate,
    CovenantDocument,
    CovenantSignature,
    CovenantSignatureCreate,
    CovenantVersion,
    CovenantVersionCreate,
    DeclarationText,
    DeclarationTextCreate,
    SignatureWithdrawal,
)
from app.dates import short_date
from app.db import today
from app.errors import DomainError
from app.organisations.models import Organisation


@dataclass(frozen=True)
class UploadedDocument:
    filename: str
    content: bytes


def _check_document(document: UploadedDocument | None) -> UploadedDocument:
    if document is None or not document.content:
        raise DomainError("Kies het ondertekende convenant als PDF-bestand.", field="document")
    if len(document.content) > MAX_DOCUMENT_BYTES:
        raise DomainError("Het bestand is groter dan 20 MB.", field="document")
    try:
        if (
            not document.content.startswith(b"%PDF-")
            or not PdfReader(BytesIO(document.content)).pages
        ):
            raise DomainError("Dit bestand is geen PDF.", field="document")
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise DomainError("Dit bestand is geen leesbare PDF.", field="document") from exc
    return document


def _store_version(
    session: Session,
    *,
    covenant: Covenant,
    data: CovenantVersionCreate | CovenantCreate,
    document: UploadedDocument,
    by: Actor,
) -> CovenantVersion:
    version = CovenantVersion.model_validate(
        data,
        update={"covenant_id": covenant.id, "created_by_user_id": by.user.id if by.user else None},
    )
    session.add(version)
    session.flush()
    name = document.filename.rsplit("/", 1)[-1][:200] or "convenant.pdf"
    session.add(
        CovenantDocument(
            version_id=version.id,
            filename=name,
            size=len(document.content),
            sha256=hashlib.sha256(document.content).hexdigest(),
            content=document.content,
        )
    )
    return version


def create_covenant(
    session: Session, *, data: CovenantCreate, document: UploadedDocument | None, by: Actor
) -> Covenant:
    """Record a covenant with its first version and signed PDF."""
    checked = _check_document(document)
    if session.exec(select(Covenant.id).where(Covenant.title == data.title)).first():
        raise DomainError("Er is al een convenant met deze titel.", field="title")
    covenant = Covenant(title=data.title)
    session.add(covenant)
    session.flush()
    version = _store_version(session, covenant=covenant, data=data, document=checked, by=by)
    audit.record(
        session,
        action="convenant.aangemaakt",
        actor=by,
        object_type="convenant",
        object_id=covenant.id,
        detail={"versie": version.label},
    )
    session.commit()
    return covenant


def add_version(
    session: Session,
    *,
    covenant: Covenant,
    data: CovenantVersionCreate,
    document: UploadedDocument | None,
    by: Actor,
) -> CovenantVersion:
    """Add a new version; earlier versions and their signatures stay as they are."""
    checked = _check_document(document)
    labels = session.exec(
        select(CovenantVersion.label).where(CovenantVersion.covenant_id == covenant.id)
    ).all()
    if data.label in labels:
        raise DomainError("Dit convenant heeft al een versie met dit nummer.", field="label")
    version = _store_version(session, covenant=covenant, data=data, document=checked, by=by)
    audit.record(
        session,
        action="convenant.versie.toegevoegd",
        actor=by,
        object_type="convenantversie",
        object_id=version.id,
        detail={"convenant": covenant.id, "versie": version.label},
    )
    session.commit()
    return version


def record_signature(
    session: Session, *, version: CovenantVersion, data: CovenantSignatureCreate, by: Actor
) -> CovenantSignature:
    """Record an organisation's signature on a version."""
    organisation = session.get(Organisation, data.organisation_id)
    if organisation is None or not organisation.active:
        raise DomainError("Kies een actieve organisatie.", field="organisation_id")
    if data.signed_on < version.established_on:
        raise DomainError(
            "Deze datum ligt vóór het convenant zelf "
            f"(vastgesteld op {short_date(version.established_on)}).",
            field="signed_on",
        )
    if data.signed_on > today():
        raise DomainError("Een ondertekening kan niet in de toekomst liggen.", field="signed_on")
    active = session.exec(
        select(CovenantSignature).where(
            CovenantSignature.version_id == version.id,
            CovenantSignature.organisation_id == data.organisation_id,
            col(CovenantSignature.withdrawn_on).is_(None),
        )
    ).first()
    if active is not None:
        raise DomainError(
            f"{organisation.name} heeft deze versie al ondertekend op "
            f"{short_date(active.signed_on)}. Trek die ondertekening eerst in.",
            field="organisation_id",
        )
    signature = CovenantSignature.model_validate(
        data,
        update={
            "version_id": version.id,
            "recorded_by_user_id": by.user.id if by.user else None,
        },
    )
    session.add(signature)
    session.flush()
    audit.record(
        session,
        action="convenant.ondertekend",
        actor=by,
        object_type="ondertekening",
        object_id=signature.id,
        detail={"versie": version.id, "organisatie": organisation.id},
    )
    session.commit()
    return signature


def withdraw_signature(
    session: Session, *, signature: CovenantSignature, data: SignatureWithdrawal, by: Actor
) -> CovenantSignature:
    """Withdraw a signature as of a date; the record and its history stay."""
    if signature.withdrawn_on is not None:
        raise DomainError("Deze ondertekening is al ingetrokken.")
    if data.withdrawn_on < signature.signed_on:
        raise DomainError(
            "Intrekken kan niet vóór de datum van ondertekening.", field="withdrawn_on"
        )
    signature.withdrawn_on = data.withdrawn_on
    signature.withdrawal_reason = data.withdrawal_reason
    session.add(signature)
    audit.record(
        session,
        action="convenant.ondertekening.ingetrokken",
        actor=by,
        object_type="ondertekening",
        object_id=signature.id,
        detail={"per": data.withdrawn_on.isoformat()},
    )
    session.commit()
    return signature


def read_document(session: Session, *, version: CovenantVersion, by: Actor) -> CovenantDocument:
    """The signed PDF of a version; every download is logged."""
    document = session.exec(
        select(CovenantDocument).where(CovenantDocument.version_id == version.id)
    ).one()
    audit.record(
        session,
        action="convenant.document.gedownload",
        actor=by,
        object_type="convenantversie",
        object_id=version.id,
        detail={"sha256": document.sha256},
    )
    session.commit()
    return document


def add_declaration_text(
    session: Session, *, data: DeclarationTextCreate, by: Actor
) -> DeclarationText:
    """Store a new version of the declaration text; older versions stay as they were signed."""
    latest = session.exec(select(func.max(DeclarationText.version))).one()
    text = DeclarationText(
        version=(latest or 0) + 1,
        text=data.text.strip(),
        created_by_user_id=by.user.id if by.user else None,
    )
    session.add(text)
    session.flush()
    audit.record(
        session,
        action="geheimhoudingsverklaring.tekst.gewijzigd",
        actor=by,
        object_type="verklaringtekst",
        object_id=text.id,
        detail={"versie": text.version},
    )
    session.commit()
    return text
