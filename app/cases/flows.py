"""Side effects around the casus use cases: a casus with urgency spoed alerts the chairs of the
overleg at once, by e-mail through the outbox, with a link and nothing of the casus (rule 12);
anonymising renders the redacted verslag versions that replace those naming the casus."""

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from app.audit import Actor
from app.cases import service
from app.cases.models import (
    AnonymisedFields,
    Case,
    CaseBase,
    CaseSubmission,
    IdentifiedFields,
    PersonData,
    Urgency,
)
from app.mail import service as mail_service
from app.minutes import flows as minutes_flows
from app.minutes import retention as minutes_retention
from app.overleg.invitations import SIGNATURE, MailContext
from app.overleg.models import MeetingSeries, MemberRole, SeriesMember
from app.security.crypto import CaseCrypto
from app.users.models import User


def submit(
    session: Session,
    *,
    series: MeetingSeries,
    data: CaseSubmission,
    people: Sequence[PersonData],
    details: IdentifiedFields | AnonymisedFields | None,
    crypto: CaseCrypto,
    by: Actor,
    today: date,
    mail: MailContext,
) -> Case:
    """Submit a casus (service.submit_case); a spoed casus alerts the chairs at once."""
    case = service.submit_case(
        session,
        series=series,
        data=data,
        people=people,
        details=details,
        crypto=crypto,
        by=by,
        today=today,
    )
    if case.urgency == Urgency.CRISIS:
        alert_chairs(session, series_id=case.series_id, case_id=case.id, mail=mail)
    return case


def correct(
    session: Session,
    *,
    case: Case,
    data: CaseBase,
    people: Sequence[PersonData],
    details: IdentifiedFields | AnonymisedFields,
    crypto: CaseCrypto,
    by: Actor,
    mail: MailContext,
) -> Case:
    """Correct a casus (service.correct); a correction that makes it spoed alerts the chairs."""
    was_urgent = case.urgency == Urgency.CRISIS
    service.correct(
        session, case=case, data=data, people=people, details=details, crypto=crypto, by=by
    )
    if case.urgency == Urgency.CRISIS and not was_urgent:
        alert_chairs(session, series_id=case.series_id, case_id=case.id, mail=mail)
    return case


def anonymise(
    session: Session,
    *,
    case: Case,
    details: AnonymisedFields,
    reason: str,
    by: Actor,
    today: date,
) -> Case:
    """Anonymise a casus (service.anonymise), the redacted verslag versions rendered first with
    no transaction open."""
    assert case.id is not None
    named, redactions = minutes_retention.naming(
        session, case_id=case.id, cause=minutes_retention.ANONYMISED
    )
    session.commit()
    verslag = minutes_flows.render_replacement(named, redactions)
    return service.anonymise(
        session, case=case, details=details, reason=reason, verslag=verslag, on=today, by=by
    )


def alert_chairs(
    session: Session, *, series_id: int, case_id: int | None, mail: MailContext
) -> int:
    """E-mail the active chairs of the overleg that a spoed casus came in: the overleg and a
    link to the casus, nothing of it; how many were put in the outbox."""
    series = session.get(MeetingSeries, series_id)
    assert series is not None
    chairs = session.exec(
        select(User.email)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(
            SeriesMember.series_id == series_id,
            SeriesMember.role == MemberRole.CHAIR,
            col(User.active),
        )
        .order_by(col(User.email))
    ).all()
    link = f"{mail.base_url.rstrip('/')}/overleggen/{series_id}/casussen/{case_id}"
    queued = mail_service.enqueue_many(
        session,
        recipients=chairs,
        subject=f"Spoedcasus ingebracht: {series.name}",
        body=(
            f"Voor het overleg '{series.name}', waarvan u voorzitter bent, is zojuist een casus "
            "met urgentie spoed ingebracht.\n\n"
            f"Bekijk de casus na inloggen:\n{link}{SIGNATURE}"
        ),
    )
    session.commit()
    return queued
