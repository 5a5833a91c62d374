"""Wissing (art. 17): the FG erases one casus about the person at once, through the same purge
as the bewaartermijn; only for an erasure request, and only a casus about that person."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.audit import AuditEvent
from app.cases.models import Case, CasePerson
from app.db import today
from app.retention.models import REMOVED
from app.rights import service
from app.rights.models import RequestKind, RequestRegistration, RightsRequest
from tests.rights.conftest import FG, actor_for, as_user, post
from tests.rights.test_overview import search


def erasure_request(session: Session) -> RightsRequest:
    data = RequestRegistration(
        kind=RequestKind.ERASURE,
        received_on=today(),
        identity_verification="Paspoort getoond aan de balie",
    )
    return service.register(session, data=data, by=actor_for(session, FG))


def persons_of(session: Session, case: Case) -> int:
    return session.exec(
        select(func.count()).select_from(CasePerson).where(CasePerson.case_id == case.id)
    ).one()


def test_the_fg_erases_a_casus_about_the_person_at_once(
    client: TestClient, session: Session, kees: Case, demo_cases: dict[str, Case]
) -> None:
    request = erasure_request(session)
    others = {
        case.id: persons_of(session, case) for case in demo_cases.values() if case.id != kees.id
    }
    page = search(as_user(client, FG), request, bsn="999990111")
    assert "Casus nu wissen" in page
    path = f"/avg-verzoeken/{request.id}/wissen"
    reason = "Verzoek om wissing toegewezen."

    refused = post(client, path, {"erased_case_id": str(kees.id), "erasure_reason": "kort"})
    assert refused.status_code == 422 and persons_of(session, kees) > 0
    not_about_kees = post(client, path, {"erased_case_id": str(999), "erasure_reason": reason})
    assert not_about_kees.status_code == 422
    assert "Kies een casus over deze persoon." in not_about_kees.text

    erased = post(client, path, {"erased_case_id": str(kees.id), "erasure_reason": reason})

    assert erased.status_code == 303
    session.expire_all()
    assert persons_of(session, kees) == 0
    assert session.exec(select(Case.reason).where(Case.id == kees.id)).one() == REMOVED
    assert {
        case_id: session.exec(
            select(func.count()).select_from(CasePerson).where(CasePerson.case_id == case_id)
        ).one()
        for case_id in others
    } == others
    logged = session.exec(
        select(AuditEvent.action).where(col(AuditEvent.action) == "avg-verzoek.casus.gewist")
    ).all()
    assert logged == ["avg-verzoek.casus.gewist"]


def test_only_an_erasure_request_erases(
    client: TestClient, session: Session, kees: Case, inzage: RightsRequest
) -> None:
    search(as_user(client, FG), inzage, bsn="999990111")

    refused = post(
        client,
        f"/avg-verzoeken/{inzage.id}/wissen",
        {"erased_case_id": str(kees.id), "erasure_reason": "Verzoek om wissing toegewezen."},
    )

    assert refused.status_code == 422
    assert "Wissen kan alleen bij een verzoek om wissing." in refused.text
    assert persons_of(session, kees) > 0
