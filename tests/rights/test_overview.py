"""Find the person by blind index (logged with the request), the inzage-overzicht with every
access by organisation, role and date and nothing of anyone else, redaction and rectification."""

import hashlib
import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.audit import AuditEvent
from app.cases.disclosure import READ, SEARCHED
from app.cases.models import Case
from app.dates import local_datetime
from app.demo_cases import ANOUK, DEMO_PEOPLE, FATMA, KEES
from app.rights.models import RightsRequest
from tests.conftest import count_statements
from tests.rights.conftest import FG, POLICE, as_user, pdf_text, post

KEES_DECISION = "Politie legt huisbezoek af; de GGD wordt gevraagd mee te kijken."


def search(client: TestClient, request: RightsRequest, **typed: str) -> str:
    response = post(client, f"/avg-verzoeken/{request.id}/zoeken", typed)
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


def concept(client: TestClient, request: RightsRequest) -> str:
    response = client.get(f"/avg-verzoeken/{request.id}/overzicht-concept.pdf")
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.content)


def searches(session: Session, request: RightsRequest) -> list[dict[str, object]]:
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == SEARCHED, AuditEvent.object_id == str(request.id)
        )
    ).all()
    return [json.loads(event.detail) | {"context": event.context} for event in events]


def test_the_fg_finds_the_casussen_by_bsn_and_the_search_is_logged_with_its_request(
    client: TestClient, session: Session, inzage: RightsRequest, kees: Case
) -> None:
    page = search(as_user(client, FG), inzage, bsn="9999 90 111")

    assert f"{kees.reference}" in page and kees.pseudonym in page
    assert "Moeder en dochter" not in page
    assert searches(session, inzage)[0] == {
        "gezocht_op": "bsn",
        "casussen": [kees.id],
        "context": "avg-verzoek",
    }


def test_the_fg_finds_the_casussen_by_name_and_birth_date_exactly(
    client: TestClient, session: Session, inzage: RightsRequest, demo_cases: dict[str, Case]
) -> None:
    mother = demo_cases["Moeder en dochter, huiselijk geweld"]
    as_user(client, FG)

    found = search(client, inzage, name="fatma  yildirim-verhoef", birth_date="1988-09-02")
    other_day = search(client, inzage, name=FATMA.name, birth_date="1988-09-03")

    assert mother.reference in found
    assert mother.reference not in other_day
    assert "Geen casussen over deze persoon gevonden." in other_day
    assert [entry["casussen"] for entry in searches(session, inzage)] == [[mother.id], []]


def test_a_search_needs_a_valid_bsn_or_a_name_with_a_birth_date(
    client: TestClient, inzage: RightsRequest
) -> None:
    as_user(client, FG)

    empty = post(client, f"/avg-verzoeken/{inzage.id}/zoeken", {"name": "Kees Wildeboer"})
    wrong = post(client, f"/avg-verzoeken/{inzage.id}/zoeken", {"bsn": "123456789"})

    assert empty.status_code == 422
    assert "Vul een BSN in, of een naam met een geboortedatum." in empty.text
    assert 'value="Kees Wildeboer"' in empty.text
    assert wrong.status_code == 422 and "elfproef" in wrong.text


def test_the_overzicht_lists_every_access_by_organisation_role_and_date_and_nobody_else(
    client: TestClient, session: Session, inzage: RightsRequest, kees: Case
) -> None:
    as_user(client, POLICE).get(f"/overleggen/{kees.series_id}/casussen/{kees.id}")
    as_user(client, FG)
    search(client, inzage, bsn=KEES.bsn or "")

    text = concept(client, inzage)

    reads = session.exec(
        select(AuditEvent).where(AuditEvent.action == READ, AuditEvent.object_id == str(kees.id))
    ).all()
    contexts = {event.context for event in reads}
    assert contexts == {"casuspagina", "avg-verzoek"}
    for event in reads:
        assert local_datetime(event.occurred_at) in text
        assert event.actor_organisation in text
    assert "Politie, basisteam Dorpsveen lid casuspagina" in text
    assert "Functionaris gegevensbescherming (FG) avg-verzoek" in text
    assert KEES.name in text and KEES.address in text and "999990111" in text
    assert KEES_DECISION in text and "CONCEPT" in text
    for name, *_ in [(user[1],) for user in demo.DEMO_USERS]:
        assert name not in text
    for other in DEMO_PEOPLE:
        if other is not KEES:
            assert other.bsn not in text and other.name not in text


def test_a_redacted_part_is_not_in_the_final_overzicht(
    client: TestClient, session: Session, inzage: RightsRequest, kees: Case
) -> None:
    as_user(client, FG)
    page = search(client, inzage, bsn=KEES.bsn or "")
    part = next(
        line.split('value="')[1].split('"')[0]
        for line in page.splitlines()
        if 'value="besluit-' in line
    )

    redacted = post(
        client,
        f"/avg-verzoeken/{inzage.id}/weglaten",
        {"part": part, "redaction_reason": "Politiegegevens (Wpg)"},
    )
    final = post(client, f"/avg-verzoeken/{inzage.id}/definitief")
    download = client.get(f"/avg-verzoeken/{inzage.id}/overzicht.pdf")
    text = pdf_text(download.content)
    session.refresh(inzage)

    assert redacted.status_code == 303 and final.status_code == 303
    assert KEES_DECISION not in text
    assert "Weggelaten. Reden: Politiegegevens (Wpg)" in text
    assert "CONCEPT" not in text and KEES.name in text
    assert inzage.overview_pdf == download.content
    assert (
        "Definitief inzage-overzicht downloaden" in client.get(f"/avg-verzoeken/{inzage.id}").text
    )
    after = post(
        client,
        f"/avg-verzoeken/{inzage.id}/weglaten",
        {"part": part, "redaction_reason": "Nog een keer"},
    )
    assert after.status_code == 422 and "al definitief" in after.text


def test_every_download_of_the_final_overzicht_is_logged_with_its_request(
    client: TestClient, session: Session, inzage: RightsRequest
) -> None:
    as_user(client, FG)
    search(client, inzage, bsn=KEES.bsn or "")
    post(client, f"/avg-verzoeken/{inzage.id}/definitief")

    downloads = [client.get(f"/avg-verzoeken/{inzage.id}/overzicht.pdf") for _ in range(2)]

    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "avg-verzoek.overzicht.gedownload")
    ).all()
    assert [response.status_code for response in downloads] == [200, 200]
    assert [(event.object_type, event.object_id) for event in events] == [
        ("avg-verzoek", str(inzage.id))
    ] * 2
    assert {event.actor_name for event in events} == {"Fenna Gegevens"}
    assert json.loads(events[0].detail) == {
        "sha256": hashlib.sha256(downloads[0].content).hexdigest()
    }


def test_rectification_corrects_the_field_with_a_reason_and_is_logged(
    client: TestClient, session: Session, inzage: RightsRequest, kees: Case
) -> None:
    as_user(client, FG)
    search(client, inzage, bsn=KEES.bsn or "")

    response = post(
        client,
        f"/avg-verzoeken/{inzage.id}/rectificatie",
        {
            "person": f"{kees.id}-1",
            "field": "adres",
            "value": "Dorpsstraat 16, Dorpsveen",
            "rectification_reason": "Huisnummer verkeerd overgenomen",
        },
    )
    text = concept(client, inzage)

    assert response.status_code == 303
    assert "Dorpsstraat 16, Dorpsveen" in text and KEES.address not in text
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "casus.persoon.gerectificeerd")
    ).one()
    assert event.object_id == str(kees.id)
    assert json.loads(event.detail)["reden"] == "Huisnummer verkeerd overgenomen"


def test_a_rectification_refuses_a_person_outside_the_request_and_a_wrong_value(
    client: TestClient, session: Session, inzage: RightsRequest, kees: Case
) -> None:
    as_user(client, FG)
    search(client, inzage, bsn=KEES.bsn or "")
    mother = session.exec(select(Case).where(col(Case.pseudonym).startswith("Moeder"))).one()
    typed = {"field": "geboortedatum", "rectification_reason": "Volgens de BRP"}

    other = post(
        client,
        f"/avg-verzoeken/{inzage.id}/rectificatie",
        typed | {"person": f"{mother.id}-1", "value": "1988-09-03"},
    )
    future = post(
        client,
        f"/avg-verzoeken/{inzage.id}/rectificatie",
        typed | {"person": f"{kees.id}-1", "value": "2999-01-01"},
    )

    assert other.status_code == 422 and "Kies een persoon uit de gevonden casussen." in other.text
    assert future.status_code == 422 and "Volgens de BRP" in future.text
    assert (
        session.exec(
            select(AuditEvent).where(AuditEvent.action == "casus.persoon.gerectificeerd")
        ).all()
        == []
    )


def test_the_request_page_costs_the_same_statements_however_much_was_found(
    app: FastAPI, client: TestClient, inzage: RightsRequest, kees: Case
) -> None:
    path = f"/avg-verzoeken/{inzage.id}"
    as_user(client, FG)
    search(client, inzage, bsn=KEES.bsn or "")
    one_casus = count_statements(app, client, path)
    for _ in range(3):
        as_user(client, POLICE).get(f"/overleggen/{kees.series_id}/casussen/{kees.id}")
    two_casussen = search(as_user(client, FG), inzage, bsn=ANOUK.bsn or "")

    assert two_casussen.count('utrecht-table__cell">Jonge vrouw') == 2
    assert count_statements(app, client, path) == one_casus
