"""Use cases of the register of rights requests: register, extend the term, link the person,
leave parts out of the inzage-overzicht, keep it final, rectify, decide. The FG's own work."""

import calendar
import hashlib
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app import audit
from app.audit import Actor
from app.cases import service as case_service
from app.cases.disclosure import Subject
from app.cases.models import Case, PersonData
from app.db import utcnow
from app.errors import DomainError
from app.retention import purge
from app.rights.models import (
    EXTENSION_MONTHS,
    FIRST_TERM_MONTHS,
    Decision,
    OverviewRedaction,
    Redaction,
    RequestKind,
    RequestRegistration,
    RightsRequest,
)
from app.security.crypto import CaseCrypto

OBJECT_TYPE = "avg-verzoek"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the last day of that month when it is shorter (31 jan + 1
    month is 28 or 29 feb), as a term in months is counted."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _reference(session: Session, year: int) -> str:
    count = session.exec(
        select(func.count())
        .select_from(RightsRequest)
        .where(RightsRequest.reference.startswith(f"AVG-{year}-"))  # type: ignore[attr-defined]
    ).one()
    return f"AVG-{year}-{count + 1:03d}"


def _log(
    session: Session, request: RightsRequest, by: Actor, *, action: str, **detail: object
) -> None:
    audit.record(
        session,
        action=action,
        actor=by,
        object_type=OBJECT_TYPE,
        object_id=request.id,
        detail=detail or None,
    )


def _done(session: Session, request: RightsRequest) -> RightsRequest:
    session.add(request)
    session.commit()
    return request


def register(session: Session, *, data: RequestRegistration, by: Actor) -> RightsRequest:
    """Register a request as received: its term runs one month from the day it came in."""
    assert by.user is not None and by.user.id is not None
    request = RightsRequest.model_validate(
        data,
        update={
            "reference": _reference(session, data.received_on.year),
            "deadline": add_months(data.received_on, FIRST_TERM_MONTHS),
            "registered_by_user_id": by.user.id,
        },
    )
    session.add(request)
    session.flush()
    _log(session, request, by, action="avg-verzoek.geregistreerd", soort=request.kind)
    return _done(session, request)


def _check_open(request: RightsRequest) -> None:
    if not request.is_open:
        raise DomainError(f"Dit verzoek is al afgehandeld ({request.status}).")


def extend(session: Session, *, request: RightsRequest, reason: str, by: Actor) -> RightsRequest:
    """Art. 12(3): extend the term once, by two months, with the reason the resident is told."""
    _check_open(request)
    if request.extension_reason is not None:
        raise DomainError("De termijn is al verlengd; dat kan maar één keer.")
    request.extension_reason = reason
    request.deadline = add_months(request.deadline, EXTENSION_MONTHS)
    _log(session, request, by, action="avg-verzoek.verlengd", termijn=request.deadline.isoformat())
    return _done(session, request)


def link_subject(
    session: Session, *, request: RightsRequest, subject: Subject, by: Actor
) -> RightsRequest:
    """Keep whom the request is about, as blind indexes only, for the overzicht."""
    _check_open(request)
    if request.overview_pdf is not None:
        raise DomainError("Het inzage-overzicht is al definitief; de persoon ligt vast.")
    request.subject_bsn_index = subject.bsn_index
    request.subject_name_birth_index = subject.name_birth_index
    _log(session, request, by, action="avg-verzoek.persoon.gekoppeld")
    return _done(session, request)


def subject_of(request: RightsRequest) -> Subject:
    return Subject(request.subject_bsn_index, request.subject_name_birth_index)


def check_concept(request: RightsRequest) -> None:
    _check_open(request)
    if not request.has_subject:
        raise DomainError("Zoek eerst de persoon op.")
    if request.overview_pdf is not None:
        raise DomainError("Het inzage-overzicht is al definitief.")


def redact(
    session: Session, *, request: RightsRequest, redaction: Redaction, by: Actor
) -> OverviewRedaction:
    """Leave a part out of the inzage-overzicht (e.g. police information under the Wpg), with
    the reason; the overzicht says that a part was left out, and why."""
    check_concept(request)
    existing = session.exec(
        select(OverviewRedaction).where(
            OverviewRedaction.request_id == request.id, OverviewRedaction.part == redaction.part
        )
    ).first()
    if existing is not None:
        raise DomainError("Dit onderdeel is al weggelaten.", field="part")
    assert request.id is not None
    kept = OverviewRedaction(
        request_id=request.id, part=redaction.part, reason=redaction.redaction_reason
    )
    session.add(kept)
    _log(session, request, by, action="avg-verzoek.overzicht.weggelaten", onderdeel=redaction.part)
    session.commit()
    return kept


def keep_final(
    session: Session, *, request: RightsRequest, overview_pdf: bytes, by: Actor
) -> RightsRequest:
    """Keep the inzage-overzicht as the FG marked it final, with the request."""
    check_concept(request)
    request.overview_pdf = overview_pdf
    request.overview_final_at = utcnow()
    _log(session, request, by, action="avg-verzoek.overzicht.definitief", bytes=len(overview_pdf))
    return _done(session, request)


def log_overview_download(session: Session, *, request: RightsRequest, by: Actor) -> None:
    """Every download of the final inzage-overzicht is an audit event: it holds the resident's
    person and casussen."""
    assert request.overview_pdf is not None
    sha256 = hashlib.sha256(request.overview_pdf).hexdigest()
    _log(session, request, by, action="avg-verzoek.overzicht.gedownload", sha256=sha256)
    session.commit()


def rectify(
    session: Session,
    *,
    request: RightsRequest,
    case: Case,
    position: int,
    person: PersonData,
    field_label: str,
    reason: str,
    crypto: CaseCrypto,
    by: Actor,
) -> RightsRequest:
    """Art. 16: correct one field of the person in one casus, with the reason; the request keeps
    pointing at the person as now stored."""
    _check_open(request)
    row = case_service.apply_rectification(
        session,
        case=case,
        position=position,
        person=person,
        field_label=field_label,
        reason=reason,
        crypto=crypto,
        by=by,
    )
    if request.subject_bsn_index is not None:
        request.subject_bsn_index = row.bsn_index
    if request.subject_name_birth_index is not None:
        request.subject_name_birth_index = row.name_birth_index
    _log(session, request, by, action="avg-verzoek.gerectificeerd", casus=case.id, veld=field_label)
    return _done(session, request)


def erase_case(
    session: Session, *, request: RightsRequest, case: Case, reason: str, by: Actor, on: date
) -> list[str]:
    """Art. 17: erase one casus about the person now, by the bewaartermijn's own purge (its
    persons deleted, its texts replaced, a tombstone kept); what was removed."""
    _check_open(request)
    if request.kind != RequestKind.ERASURE:
        raise DomainError("Wissen kan alleen bij een verzoek om wissing.", field="erased_case_id")
    removed = purge.purge_case(
        session, case=case, reason=f"wissing ({request.reference}): {reason}", by=by, today=on
    )
    _log(session, request, by, action="avg-verzoek.casus.gewist", casus=case.id)
    _done(session, request)
    return removed


def decide(
    session: Session, *, request: RightsRequest, decision: Decision, on: date, by: Actor
) -> RightsRequest:
    """Record the decision, who took it and when: the request is handled."""
    _check_open(request)
    assert by.user is not None
    request.status, request.decision = decision.status, decision.decision
    request.handled_by_user_id, request.handled_on = by.user.id, on
    _log(session, request, by, action="avg-verzoek.afgehandeld", besluit=decision.status)
    return _done(session, request)
