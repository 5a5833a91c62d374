"""The register: a term of one month, extended once by two; overdue requests on the FG's start
page; the register is the FG's alone."""

from datetime import date, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.db import today
from app.errors import DomainError
from app.rights import service
from app.rights.models import RequestKind, RequestRegistration, RequestStatus, RightsRequest
from tests.rights.conftest import ADMIN, FG, POLICE, actor_for, as_user, post


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 11, 30), date(2026, 12, 30)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_term_is_one_calendar_month(received: date, deadline: date) -> None:
    assert service.add_months(received, 1) == deadline


def test_registering_sets_the_term_and_an_extension_adds_two_months_once(
    session: Session, inzage: RightsRequest
) -> None:
    fg = actor_for(session, FG)
    first_deadline = inzage.deadline

    service.extend(session, request=inzage, reason="Veel casussen bij vier partners", by=fg)
    with pytest.raises(DomainError, match="al verlengd"):
        service.extend(session, request=inzage, reason="Nog eens verlengen", by=fg)

    assert first_deadline == service.add_months(today(), 1)
    assert inzage.deadline == service.add_months(first_deadline, 2)
    assert inzage.extension_reason == "Veel casussen bij vier partners"
    actions = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "avg-verzoek", AuditEvent.object_id == str(inzage.id)
        )
    ).all()
    assert actions == ["avg-verzoek.geregistreerd", "avg-verzoek.verlengd"]


def test_the_fg_registers_a_request_with_a_reference(
    client: TestClient, session: Session, inzage: object
) -> None:
    as_user(client, FG)

    response = post(
        client,
        "/avg-verzoeken/nieuw",
        {
            "kind": "wissing",
            "received_on": today().isoformat(),
            "identity_verification": "Rijbewijs gecontroleerd",
        },
    )
    page = client.get(response.headers["location"])
    newest = session.exec(select(RightsRequest).order_by(col(RightsRequest.id).desc())).first()

    assert response.status_code == 303
    assert newest is not None and newest.kind == RequestKind.ERASURE
    assert f"Verzoek {newest.reference} geregistreerd." in page.text
    assert newest.deadline == service.add_months(today(), 1)
    assert "Rijbewijs gecontroleerd" in page.text


def test_a_registration_with_mistakes_keeps_what_was_typed(
    client: TestClient, session: Session, inzage: object
) -> None:
    as_user(client, FG)
    tomorrow = (today() + timedelta(days=1)).isoformat()

    response = post(
        client,
        "/avg-verzoeken/nieuw",
        {"kind": "klacht", "received_on": tomorrow, "identity_verification": "ID-kaart getoond"},
    )

    assert response.status_code == 422
    assert "Kies een van de mogelijkheden." in response.text
    assert "De ontvangstdatum ligt in de toekomst." in response.text
    assert "ID-kaart getoond" in response.text
    assert len(session.exec(select(RightsRequest)).all()) == 2  # the demo's and the fixture's


def test_an_overdue_request_shows_on_the_fg_start_page_only(
    client: TestClient, session: Session, demo_cases: object
) -> None:
    data = RequestRegistration(
        kind=RequestKind.ACCESS, received_on=today(), identity_verification="Paspoort getoond"
    )
    request = service.register(session, data=data, by=actor_for(session, FG))

    with time_machine.travel(request.deadline + timedelta(days=1, hours=12)):
        overdue_for_fg = as_user(client, FG).get("/").text
        for_admin = as_user(client, ADMIN).get("/").text
    with time_machine.travel(request.deadline + timedelta(hours=12)):
        on_the_last_day = as_user(client, FG).get("/").text

    assert "AVG-verzoeken over de termijn" in overdue_for_fg
    assert request.reference in overdue_for_fg
    assert "AVG-verzoeken over de termijn" not in for_admin
    assert request.reference not in on_the_last_day


@pytest.mark.parametrize("email", [POLICE, ADMIN])
def test_anyone_but_the_fg_gets_404_on_the_register_and_the_search(
    client: TestClient, inzage: RightsRequest, email: str
) -> None:
    as_user(client, email)

    answers = [
        client.get("/avg-verzoeken").status_code,
        client.get(f"/avg-verzoeken/{inzage.id}").status_code,
        post(client, f"/avg-verzoeken/{inzage.id}/zoeken", {"bsn": "999990111"}).status_code,
        client.get(f"/avg-verzoeken/{inzage.id}/overzicht-concept.pdf").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert "AVG-verzoeken" not in client.get("/").text


def test_the_fg_records_the_decision_and_who_took_it(
    client: TestClient, session: Session, inzage: RightsRequest
) -> None:
    as_user(client, FG)
    path = f"/avg-verzoeken/{inzage.id}"

    undecided = post(
        client, f"{path}/besluit", {"status": "in behandeling", "decision": "Nog niets"}
    )
    decided = post(
        client,
        f"{path}/besluit",
        {"status": "toegewezen", "decision": "Inzage-overzicht per post verstuurd."},
    )
    session.refresh(inzage)
    page = client.get(path).text

    assert undecided.status_code == 422 and "Kies een besluit." in undecided.text
    assert decided.status_code == 303
    assert (inzage.status, inzage.handled_on) == (RequestStatus.GRANTED, today())
    assert inzage.handled_by_user_id == actor_for(session, FG).user.id  # type: ignore[union-attr]
    assert "Inzage-overzicht per post verstuurd." in page and "Termijn verlengen" not in page
    assert "Verzoek AVG-" in page and "is afgehandeld." in page
