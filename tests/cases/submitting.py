"""Submitting a casus through the use case, for the service tests."""

import os
from datetime import date

from sqlmodel import Session, col, select

from app.audit import Actor
from app.cases import service
from app.cases.models import (
    AgeBand,
    AnonymisedFields,
    Case,
    CaseCategory,
    CaseSubmission,
    Consent,
    IdentifiedFields,
    LegalBasis,
    PersonData,
)
from app.db import today
from app.overleg.models import Meeting, MeetingSeries
from app.security.crypto import CaseCrypto, DataCipher
from tests.planning import Table

CRYPTO = CaseCrypto(cipher=DataCipher((os.urandom(32),)), index_key=b"i" * 32)
KEES = PersonData(
    name="Kees Wildeboer", birth_date=date(1961, 3, 12), bsn="999990111", address="Dorpsstraat 14"
)
IDENTIFIED = IdentifiedFields(consent=Consent.NOT_ASKED, legal_basis=LegalBasis.COVENANT)
ANONYMISED = AnonymisedFields(age_band=AgeBand.ADULT, situation="Zorgen over de woonsituatie.")


def meetings(session: Session, series: MeetingSeries) -> list[Meeting]:
    """The meetings whose agenda deadline is still ahead (the first one is tomorrow)."""
    statement = select(Meeting).where(
        Meeting.series_id == series.id, Meeting.agenda_deadline >= today()
    )
    return list(session.exec(statement.order_by(col(Meeting.starts_at))).all())


def member(table: Table) -> Actor:
    return Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")


def submission(meeting: Meeting, *, identified: bool = True, **overrides: object) -> CaseSubmission:
    values = {
        "meeting_id": meeting.id,
        "pseudonym": "Man met overlast",
        "categories": [CaseCategory.NUISANCE],
        "identified": identified,
        "reason": "Drie meldingen van overlast in vier weken.",
        "question": "Wie legt contact met de bewoner?",
    }
    return CaseSubmission.model_validate(values | overrides)


def submit(
    session: Session,
    table: Table,
    series: MeetingSeries,
    meeting: Meeting,
    people: list[PersonData] | None = None,
    *,
    identified: bool = True,
    day: date | None = None,
) -> Case:
    return service.submit_case(
        session,
        series=series,
        data=submission(meeting, identified=identified),
        people=[KEES] if people is None else people,
        details=IDENTIFIED if identified else ANONYMISED,
        crypto=CRYPTO,
        by=member(table),
        today=day or today(),
    )
