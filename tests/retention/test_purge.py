"""The purge deletes for real: nothing of a purged casus' persons or typed texts is left in the
database files or a dump, a verslag that named it is replaced by a redacted version, and what is
not due yet stays exactly as it was."""

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.cases.models import Case, CaseEvent, CaseStatus
from app.db import AMSTERDAM, make_engine, today
from app.demo_cases import KEES
from app.meetings.models import ItemRecord
from app.minutes.models import MinutesDocument, MinutesSnapshot, MinutesVersion
from app.retention import purge
from app.retention.models import REMOVED
from app.retention.terms import after_months
from app.tasks.models import Task
from tests.cases.test_visibility import dump
from tests.minutes.demo import DemoMinutes, as_user, pdf_text
from tests.retention.helpers import (
    CLOSING_REASON,
    beheerder,
    by_pseudonym,
    close_cases,
    named_version,
    persons,
    stored_versions,
)

KEES_TEXTS = [
    KEES.name,
    KEES.bsn,
    KEES.address.split(",")[0],
    "Buren melden maanden geluidsoverlast",
    "Wie kan contact leggen en beoordelen",
    CLOSING_REASON,
]


def at_noon(day: object) -> datetime:
    return datetime.combine(day, time(12), tzinfo=AMSTERDAM)  # type: ignore[arg-type]


def test_a_casus_past_its_term_leaves_nothing_but_a_tombstone(
    session: Session, client: TestClient, database_url: str, engine: Engine, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    purge_on = after_months(today(), 25)
    cases = close_cases(session, minutes, purge_on=purge_on)
    untouched = {
        c.id: (c.reason, persons(session, c)) for c in (cases.mother, cases.debts, cases.youth)
    }
    tombstone = (cases.kees.reference, cases.kees.categories, cases.kees.closed_on, purge_on)
    assert CLOSING_REASON.encode() in dump(database_url)  # the dump is real and readable
    session.commit()

    with time_machine.travel(at_noon(purge_on), tick=False):
        removed = purge.run(engine, today=today())

    assert any(line.startswith(f"casus {cases.kees.reference} ") for line in removed)
    stored = dump(database_url)
    for secret in KEES_TEXTS:
        assert secret.encode() not in stored, secret
    kees = session.get(Case, cases.kees.id)
    assert (kees.reference, kees.categories, kees.closed_on, kees.purged_on) == tombstone
    assert (kees.pseudonym, kees.reason, kees.question) == (REMOVED, REMOVED, REMOVED)
    assert persons(session, kees) == 0
    assert {
        e.description for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == kees.id))
    } == {REMOVED}
    assert all(
        t.description == REMOVED for t in session.exec(select(Task).where(Task.case_id == kees.id))
    )
    for other in (cases.mother, cases.debts, cases.youth):
        again = session.get(Case, other.id)
        assert (again.reason, persons(session, again)) == untouched[other.id]
        assert again.purged_on is None


def test_a_verslag_that_named_the_casus_is_replaced_by_a_redacted_version(
    session: Session, client: TestClient, database_url: str, engine: Engine, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    purge_on = after_months(today(), 25)
    close_cases(session, minutes, purge_on=purge_on)
    named = stored_versions(session, minutes)[2][0]
    session.commit()

    with time_machine.travel(at_noon(purge_on), tick=False):
        purge.run(engine, today=today())

    versions = stored_versions(session, minutes)
    first, second, redacted = versions[1], versions[2], versions[3]
    assert first[1], "version 1 named nobody and keeps its PDF"
    assert not second[1]
    assert (second[0].sha256, second[0].purged_on) == (named.sha256, purge_on)
    assert redacted[0].correction_reason == "bewaartermijn"
    content = session.exec(
        select(MinutesDocument.content).where(MinutesDocument.version_id == redacted[0].id)
    ).one()
    assert hashlib.sha256(content).hexdigest() == redacted[0].sha256
    shown = pdf_text(content)
    assert KEES.name not in shown
    assert minutes.cases[0].reference in shown or "IO-" in shown


def test_nothing_is_due_before_the_term_and_the_purge_runs_once(
    session: Session, client: TestClient, database_url: str, engine: Engine, minutes: DemoMinutes
) -> None:
    purge_on = after_months(today(), 25)
    cases = close_cases(session, minutes, purge_on=purge_on)
    session.commit()

    the_day_before_its_term_ends = after_months(cases.kees.closed_on, 24) - timedelta(days=1)
    with time_machine.travel(at_noon(the_day_before_its_term_ends), tick=False):
        early = purge.run(engine, today=today())
    with time_machine.travel(at_noon(purge_on), tick=False):
        first, second = purge.run(engine, today=today()), purge.run(engine, today=today())

    assert not any(cases.kees.reference in line for line in early)
    assert any(cases.kees.reference in line for line in first)
    assert second == []


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM minutes_document",
        "DELETE FROM minutes_snapshot",
        "DELETE FROM minutes_version",
        "UPDATE minutes_version SET purged_on = '2030-01-01'",
        "UPDATE minutes_document SET content = content",
    ],
)
def test_outside_the_purge_a_stored_verslag_still_cannot_be_changed(
    session: Session, minutes: DemoMinutes, statement: str
) -> None:
    with pytest.raises(DatabaseError, match="immutable"):
        session.execute(text(statement))
    session.rollback()


def test_even_during_a_purge_a_version_keeps_its_hash(
    session: Session, minutes: DemoMinutes
) -> None:
    session.execute(text("INSERT INTO retention_purge (started_at) VALUES (CURRENT_TIMESTAMP)"))

    with pytest.raises(DatabaseError, match="immutable"):
        session.execute(text("UPDATE minutes_version SET purged_on = '2030-01-01', sha256 = 'x'"))
    session.rollback()
    assert session.exec(select(MinutesVersion.purged_on)).all() == [None]
    assert session.exec(select(ItemRecord)).first() is not None


def test_after_the_verslag_term_a_version_keeps_only_its_hash(
    session: Session, engine: Engine, minutes: DemoMinutes
) -> None:
    first = stored_versions(session, minutes)[1][0]
    term_end = after_months(minutes.meeting.starts_at, 60)
    session.commit()

    with time_machine.travel(at_noon(term_end - timedelta(days=1)), tick=False):
        assert not any(
            "versie 1 (verslagtermijn" in line for line in purge.run(engine, today=today())
        )
    with time_machine.travel(at_noon(term_end), tick=False):
        removed = purge.run(engine, today=today())

    assert (
        f"verslag bijeenkomst {minutes.meeting.id} versie 1 (verslagtermijn tot "
        f"{term_end.isoformat()}): pdf en snapshot gewist, hash blijft" in removed
    )
    session.expire_all()
    version, has_pdf = stored_versions(session, minutes)[1]
    assert (version.sha256, version.purged_on, has_pdf) == (first.sha256, term_end, False)
    assert (
        session.exec(
            select(MinutesSnapshot).where(MinutesSnapshot.version_id == version.id)
        ).first()
        is None
    )


def test_early_erasure_purges_an_open_casus_at_once(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    youth = by_pseudonym(minutes, "Jongere")
    by = beheerder(session)

    removed = purge.purge_case(session, case=youth, reason="wissing", by=by, today=today())

    assert removed[0].startswith(f"casus {youth.reference} ")
    session.expire_all()
    youth = session.get(Case, youth.id)
    assert (youth.status, youth.closed_on, youth.purged_on) == (CaseStatus.CLOSED, today(), today())
    assert youth.reason == REMOVED
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "casus.bewaartermijn.gewist")
    ).one()
    assert json.loads(event.detail)["reden"] == "wissing"
    assert purge.purge_case(session, case=youth, reason="wissing", by=by, today=today()) == []
    page = as_user(client, "beheer@dorpsveen.example").get(
        f"/overleggen/{youth.series_id}/casussen/{youth.id}"
    )
    assert page.status_code == 200
    assert "zijn op" in page.text and "verwijderd na de bewaartermijn" in page.text


def test_two_workers_at_once_purge_each_casus_once(
    session: Session, client: TestClient, database_url: str, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    purge_on = after_months(today(), 25)
    close_cases(session, minutes, purge_on=purge_on)
    session.commit()
    engines = [make_engine(database_url), make_engine(database_url)]

    with (
        time_machine.travel(at_noon(purge_on), tick=False),
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        runs = list(pool.map(lambda engine: purge.run(engine, today=today()), engines))

    for engine in engines:
        engine.dispose()
    purged = [line for lines in runs for line in lines if line.startswith("casus ")]
    assert len(purged) == len(set(purged)) >= 2  # Kees and last year's casus, once each
    redacted = session.exec(
        select(MinutesVersion).where(MinutesVersion.correction_reason == "bewaartermijn")
    ).all()
    assert len(redacted) == 1
