"""The demo's casussen, closed and extended as the retention tests need them."""

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import Case, CasePerson
from app.minutes.models import MinutesDocument, MinutesVersion
from app.overleg.models import MeetingSeries
from app.retention import service
from app.retention.models import CaseExtension
from app.retention.terms import after_months
from app.users.models import User
from tests.conftest import csrf_from
from tests.minutes.demo import DemoMinutes, as_user, names_in_minutes

CLOSING_REASON = "Huisbezoek gedaan; de zorg loopt nu via de GGD Dorpsveen."


@dataclass
class DemoRetention:
    kees: Case  # closed `closed_months_ago`: past its 24-month term
    mother: Case  # closed 23 months before the purge
    debts: Case  # closed with Kees, but kept longer
    youth: Case  # still open


def by_pseudonym(minutes: DemoMinutes, start: str) -> Case:
    return next(case for case in minutes.cases if case.pseudonym.startswith(start))


def beheerder(session: Session) -> Actor:
    user = session.exec(select(User).where(User.email == "beheer@dorpsveen.example")).one()
    return Actor(user=user, organisation_name="Gemeente Dorpsveen", client_address="test")


def named_version(session: Session, client: TestClient, minutes: DemoMinutes) -> None:
    """With 'namen in verslag' on, the chair corrects the verslag: version 2 names the casussen."""
    names_in_minutes(session, minutes, on=True)
    chair = as_user(client, "voorzitter@dorpsveen.example")
    corrected = chair.post(
        f"{minutes.path}/correctie",
        data={"reason": "Namen opgenomen", "csrf_token": csrf_from(chair, minutes.path)},
    )
    assert corrected.status_code == 303


def close_cases(session: Session, minutes: DemoMinutes, *, purge_on: date) -> DemoRetention:
    """Kees and the debts 25 months before `purge_on`, the mother 23; the debts kept longer."""
    by = beheerder(session)
    cases = DemoRetention(
        kees=by_pseudonym(minutes, "Man met overlast"),
        mother=by_pseudonym(minutes, "Moeder en dochter"),
        debts=by_pseudonym(minutes, "Man met schulden"),
        youth=by_pseudonym(minutes, "Jongere"),
    )
    for case, months in ((cases.kees, 25), (cases.mother, 23), (cases.debts, 25)):
        reason = CLOSING_REASON if case is cases.kees else "Afgerond."
        case_service.close(
            session, case=case, on=after_months(purge_on, -months), reason=reason, by=by
        )
    service.extend(
        session,
        case=cases.debts,
        series=session.get(MeetingSeries, cases.debts.series_id),
        data=CaseExtension(
            kept_until=after_months(purge_on, 6), kept_reason="Lopende rechtszaak over de huur."
        ),
        by=by,
    )
    return cases


def persons(session: Session, case: Case) -> int:
    return session.exec(
        select(func.count()).select_from(CasePerson).where(CasePerson.case_id == case.id)
    ).one()


def stored_versions(
    session: Session, minutes: DemoMinutes
) -> dict[int, tuple[MinutesVersion, bool]]:
    """Each version of the demo verslag, and whether its PDF is still stored."""
    documents = set(session.exec(select(MinutesDocument.version_id)).all())
    versions = session.exec(
        select(MinutesVersion).where(MinutesVersion.meeting_id == minutes.meeting.id)
    ).all()
    return {v.number: (v, v.id in documents) for v in versions}
