"""Use cases of the bewaartermijn: an overleg's two terms, and keeping one casus longer."""

from sqlmodel import Session

from app import audit
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import Case
from app.dates import short_date
from app.errors import DomainError
from app.overleg.models import MeetingSeries
from app.retention.models import CaseExtension, RetentionTerms
from app.retention.queries import due_on


def set_terms(
    session: Session, *, series: MeetingSeries, terms: RetentionTerms, by: Actor
) -> MeetingSeries:
    """Change the overleg's bewaartermijnen (casussen, verslagen), audited with the reason."""
    before = (series.case_retention_months, series.minutes_retention_months)
    series.case_retention_months = terms.case_retention_months
    series.minutes_retention_months = terms.minutes_retention_months
    session.add(series)
    audit.record(
        session,
        action="overleg.bewaartermijn.gewijzigd",
        actor=by,
        object_type="overleg",
        object_id=series.id,
        detail={
            "casussen_maanden": [before[0], terms.case_retention_months],
            "verslagen_maanden": [before[1], terms.minutes_retention_months],
            "reden": terms.retention_reason,
        },
    )
    session.commit()
    return series


def extend(
    session: Session, *, case: Case, series: MeetingSeries, data: CaseExtension, by: Actor
) -> Case:
    """'Bewaartermijn verlengen': keep a closed casus until a later day, with a reason. The
    reason stays with the casus (and goes with it); the audit event holds only the dates,
    because the log is kept without a term and never names a resident."""
    current = due_on(case, series.case_retention_months)
    if current is None:
        raise DomainError(
            "Alleen van een afgesloten casus kan de bewaartermijn worden verlengd.",
            field="kept_until",
        )
    if data.kept_until <= current:
        raise DomainError(
            f"Kies een datum na de huidige verwijderdatum ({short_date(current)}).",
            field="kept_until",
        )
    case.kept_until, case.kept_reason = data.kept_until, data.kept_reason
    case.version += 1
    session.add(case)
    description = f"Bewaartermijn verlengd tot {short_date(data.kept_until)}"
    case_service.note(session, case, description, by=by)
    audit.record(
        session,
        action="casus.bewaartermijn.verlengd",
        actor=by,
        object_type="casus",
        object_id=case.id,
        detail={"was": current.isoformat(), "tot": data.kept_until.isoformat()},
    )
    session.commit()
    return case
