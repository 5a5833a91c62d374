"""Anonymising a casus takes its names out of the stored verslag too, as the purge does: each
version that named it loses its PDF (its hash stays), a redacted version takes the newest one's
place, and the other casussen of that verslag keep their persons."""

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.cases import service as case_service
from app.cases.models import AnonymisedFields, Case
from app.db import today
from app.demo_cases import KEES
from app.errors import DomainError
from app.minutes import flows as minutes_flows
from app.minutes import retention as minutes_retention
from app.minutes.models import MinutesDocument
from tests.conftest import csrf_from
from tests.minutes.demo import DemoMinutes, as_user, pdf_text
from tests.retention.helpers import (
    beheerder,
    by_pseudonym,
    named_version,
    persons,
    stored_versions,
)

ANONYMISING = {
    "age_band": "46-66 jaar",
    "situation": "Zorgen over een oudere man met overlast.",
    "change_reason": "Geen grondslag meer voor identificatie.",
    "bevestigd": "ja",
}


def test_anonymising_a_casus_takes_its_names_out_of_the_stored_verslag(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    kees = by_pseudonym(minutes, "Man met overlast")
    others = [case for case in minutes.cases if case.id != kees.id and case.identified]
    kept = {case.id: persons(session, case) for case in others}
    named = stored_versions(session, minutes)[2][0]
    chair = as_user(client, "voorzitter@dorpsveen.example")
    before = chair.get(f"{minutes.path}/versies/2.pdf")
    path = f"/overleggen/{kees.series_id}/casussen/{kees.id}"

    done = chair.post(
        f"{path}/anonimiseren", data=ANONYMISING | {"csrf_token": csrf_from(chair, path)}
    )

    assert KEES.name in pdf_text(before.content)  # the test starts from a named version
    assert done.status_code == 303
    assert chair.get(f"{minutes.path}/versies/2.pdf").status_code == 404
    redacted = chair.get(f"{minutes.path}/versies/3.pdf")
    assert redacted.status_code == 200
    shown = pdf_text(redacted.content)
    assert KEES.name not in shown and "geanonimiseerd" in shown
    assert all(case.reference in shown for case in others)
    session.expire_all()
    versions = stored_versions(session, minutes)
    assert versions[1][1], "version 1 named nobody and keeps its PDF"
    assert (versions[2][0].sha256, versions[2][0].purged_on, versions[2][1]) == (
        named.sha256,
        today(),
        False,
    )
    third = versions[3][0]
    content = session.exec(
        select(MinutesDocument.content).where(MinutesDocument.version_id == third.id)
    ).one()
    assert (third.correction_reason, hashlib.sha256(content).hexdigest()) == (
        "anonimisering",
        third.sha256,
    )
    assert not session.get(Case, kees.id).identified
    assert {case.id: persons(session, session.get(Case, case.id)) for case in others} == kept
    assert all(session.get(Case, case.id).identified for case in others)
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "casus.geanonimiseerd", AuditEvent.object_id == str(kees.id)
        )
    ).one()
    assert json.loads(event.detail) == {"verslagversies": [2]}


def test_a_correction_meanwhile_refuses_the_anonymising_and_leaves_everything_as_it_was(
    session: Session, client: TestClient, engine: Engine, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    kees = by_pseudonym(minutes, "Man met overlast")
    people = persons(session, kees)
    named, redactions = minutes_retention.naming(
        session, case_id=kees.id, cause=minutes_retention.ANONYMISED
    )
    rendered_before_the_correction = minutes_flows.render_replacement(named, redactions)
    named_version(session, client, minutes)  # version 3, again with the names

    with Session(engine) as own, pytest.raises(DomainError, match="zojuist gecorrigeerd"):
        case_service.anonymise(
            own,
            case=own.get(Case, kees.id),
            details=AnonymisedFields(
                age_band=ANONYMISING["age_band"], situation=ANONYMISING["situation"]
            ),
            reason="Geen grondslag meer.",
            verslag=rendered_before_the_correction,
            on=today(),
            by=beheerder(own),
        )

    session.refresh(kees)
    assert (kees.identified, persons(session, kees)) == (True, people)
    versions = stored_versions(session, minutes)
    assert sorted(versions) == [1, 2, 3] and all(has_pdf for _, has_pdf in versions.values())
