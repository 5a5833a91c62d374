"""The audit log: append-only, hash-chained; `casustafel audit verify` names a tampered event."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor, AuditEvent, Outcome
from app.db import make_engine
from tests.conftest import run_cli
from tests.factories import make_user


def run_verify(database_url: str) -> subprocess.CompletedProcess[str]:
    return run_cli(database_url, "audit", "verify")


def write_events(session: Session, count: int) -> list[AuditEvent]:
    user = make_user(session)
    actor = Actor(user=user, organisation_name="Politie", client_address="127.0.0.1")
    events = [
        audit.record(
            session,
            action="test.gebeurtenis",
            actor=actor,
            object_type="gebruiker",
            object_id=number,
            detail={"nummer": number},
        )
        for number in range(count)
    ]
    session.commit()
    return events


def test_each_event_carries_the_hash_of_the_one_before(session: Session) -> None:
    events = write_events(session, 3)

    assert events[0].previous_hash == audit.GENESIS_HASH
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert all(event.hash == audit.event_hash(event) for event in events)


def test_verify_reports_an_intact_chain(database_url: str, session: Session) -> None:
    write_events(session, 3)

    result = run_verify(database_url)

    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def _drop_append_only_guard(session: Session) -> None:
    # What someone with direct database access could do before tampering.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


@pytest.mark.parametrize("tampering", ["wijzigen", "verwijderen"])
def test_verify_names_the_first_altered_event(
    database_url: str, session: Session, tampering: str
) -> None:
    events = write_events(session, 5)
    _drop_append_only_guard(session)
    victim = events[2].id
    if tampering == "wijzigen":
        session.execute(
            text("UPDATE audit_event SET outcome = 'mislukt' WHERE id = :id"), {"id": victim}
        )
    else:
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": victim})

    result = run_verify(database_url)

    assert result.returncode == 1
    broken = victim if tampering == "wijzigen" else events[3].id
    assert f"gebeurtenis {broken} " in result.stderr


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'iets anders'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_change_or_delete_events(session: Session, statement: str) -> None:
    write_events(session, 1)

    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))

    assert session.exec(select(AuditEvent.action)).all() == ["test.gebeurtenis"]


def test_an_event_holds_the_nen_7513_fields(session: Session) -> None:
    event = write_events(session, 1)[0]
    stored = session.exec(select(AuditEvent).where(col(AuditEvent.id) == event.id)).one()

    assert stored.occurred_at is not None
    assert stored.actor_user_id is not None and stored.actor_name == "Pim Partner"
    assert stored.actor_organisation == "Politie"
    assert (stored.object_type, stored.object_id) == ("gebruiker", "0")
    assert stored.outcome == Outcome.SUCCESS
    assert stored.client_address == "127.0.0.1"


def test_concurrent_writers_keep_one_unbroken_chain(database_url: str, session: Session) -> None:
    actor = Actor(user=None, organisation_name=None, client_address="127.0.0.1")
    engines = [make_engine(database_url) for _ in range(4)]

    def write(engine_number: int) -> None:
        for number in range(10):
            with Session(engines[engine_number]) as own_session:
                audit.record(
                    own_session,
                    action="test.gelijktijdig",
                    actor=actor,
                    detail={"schrijver": engine_number, "nummer": number},
                )
                own_session.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    for engine in engines:
        engine.dispose()

    assert len(session.exec(select(AuditEvent.id)).all()) == 40
    assert run_verify(database_url).returncode == 0
