"""A stored person that does not open (copied from another row, tampered with) is shown as
damaged and logged, never a 500; values in the old v1 format still open until rotated."""

import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.audit import Actor, AuditEvent
from app.cases import disclosure
from app.cases.models import Case, CasePerson
from app.demo_cases import FATMA, KEES, MILA, RUUD
from tests.cases.tokens import persons_of, store_as_v1, tampered
from tests.conftest import log_in

POLICE = "wijkagent@politie.example"


@pytest.fixture
def demo_cases(session: Session, app: FastAPI) -> dict[str, Case]:
    demo.seed_demo(session, crypto=app.state.crypto)
    return {case.pseudonym: case for case in session.exec(select(Case)).all()}


def case_page(client: TestClient, case: Case) -> str:
    client.cookies.clear()
    log_in(client, POLICE, demo.DEMO_PASSWORD)
    response = client.get(f"/overleggen/{case.series_id}/casussen/{case.id}")
    assert response.status_code == 200
    return response.text


def damage_reports(session: Session) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == disclosure.DAMAGED)
            .order_by(col(AuditEvent.id))
        ).all()
    )


def save(session: Session, row: CasePerson) -> None:
    session.add(row)
    session.commit()


def test_a_name_copied_to_the_other_person_of_the_casus_shows_that_person_as_damaged(
    client: TestClient,
    session: Session,
    demo_cases: dict[str, Case],
    caplog: pytest.LogCaptureFixture,
) -> None:
    case = demo_cases["Moeder en dochter, huiselijk geweld"]
    fatma, mila = persons_of(session, case.id)
    copied = fatma.name_encrypted
    mila.name_encrypted = copied
    save(session, mila)

    with caplog.at_level(logging.WARNING, logger="casustafel.disclosure"):
        page = case_page(client, case)

    assert disclosure.DAMAGED_TEXT in page
    assert FATMA.name in page and "2 sep 1988" in page  # the other person still shows
    assert MILA.name not in page and "20 mei 2016" not in page and MILA.bsn not in page
    [report] = damage_reports(session)
    assert (report.object_type, report.object_id) == ("casus", str(case.id))
    assert (report.outcome, report.context) == ("mislukt", "casuspagina")
    logged = caplog.text + report.detail
    for secret in (copied, copied.split(".")[-1], FATMA.name, MILA.name, "Verhoef"):
        assert secret not in logged
    assert f"van casus {case.id}" in caplog.text


def test_a_name_copied_from_another_casus_does_not_open_there(
    client: TestClient, session: Session, demo_cases: dict[str, Case]
) -> None:
    kees_case = demo_cases["Man met overlast, 60+"]
    ruud_case = demo_cases["Man met schulden, dreigende uitzetting"]
    [kees] = persons_of(session, kees_case.id)
    [ruud] = persons_of(session, ruud_case.id)
    ruud.name_encrypted = kees.name_encrypted  # same field, same position, other casus
    save(session, ruud)

    ruuds_page = case_page(client, ruud_case)
    kees_page = case_page(client, kees_case)

    assert disclosure.DAMAGED_TEXT in ruuds_page
    assert KEES.name not in ruuds_page and RUUD.name not in ruuds_page
    assert KEES.name in kees_page and disclosure.DAMAGED_TEXT not in kees_page
    assert [r.object_id for r in damage_reports(session)] == [str(ruud_case.id)]


@pytest.mark.parametrize(
    "damage",
    [
        tampered,
        lambda token: token[:-4] + "!!!!",  # no longer base64
        lambda token: "v2.00000000." + token.rsplit(".", 1)[1],  # a key nobody has
    ],
    ids=["tampered", "not-base64", "unknown-key"],
)
def test_a_damaged_address_shows_the_person_as_damaged_not_a_500(
    client: TestClient,
    session: Session,
    demo_cases: dict[str, Case],
    damage: Callable[[str], str],
) -> None:
    case = demo_cases["Man met overlast, 60+"]
    [kees] = persons_of(session, case.id)
    kees.address_encrypted = damage(kees.address_encrypted)
    save(session, kees)

    page = case_page(client, case)

    assert disclosure.DAMAGED_TEXT in page and KEES.name not in page
    assert [r.object_id for r in damage_reports(session)] == [str(case.id)]


def test_v1_values_still_show_and_rotation_makes_them_v2(
    client: TestClient, session: Session, app: FastAPI, demo_cases: dict[str, Case]
) -> None:
    case = demo_cases["Man met overlast, 60+"]
    [kees] = persons_of(session, case.id)
    crypto = app.state.crypto
    store_as_v1(session, crypto.cipher, kees, KEES)

    before = case_page(client, case)
    changed = disclosure.rotate_keys(session, crypto=crypto, actor=Actor(None, None, "cli"))
    after = case_page(client, case)

    session.refresh(kees)
    assert KEES.name in before and KEES.address in before
    assert changed == 1 and kees.name_encrypted.startswith("v2.")
    assert disclosure.not_rotated(session, crypto=crypto) == 0
    assert KEES.name in after and KEES.address in after
    assert damage_reports(session) == []
