"""The audit log: append-only, a keyed hash chain; `casustafel audit verify` names a tampered
event, and against a checkpoint kept outside the database also a log cut short or rewritten."""

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor, AuditEvent, Outcome
from app.db import make_engine, utcnow
from tests.conftest import run_cli
from tests.factories import make_user

SYSTEM = Actor(user=None, organisation_name=None, client_address="127.0.0.1")


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
        session.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
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


def write_unkeyed_events(session: Session, count: int) -> list[AuditEvent]:
    """Events as Casustafel wrote them before the audit key: plain SHA-256 chain values."""
    previous, events = audit.GENESIS_HASH, []
    for number in range(count):
        old = AuditEvent(
            occurred_at=utcnow(),
            action="test.van.voor.de.sleutel",
            outcome=Outcome.SUCCESS,
            detail=json.dumps({"nummer": number}),
            previous_hash=previous,
        )
        old.hash = previous = audit.unkeyed_hash(old)
        events.append(old)
    session.add_all(events)
    session.commit()
    return events


def check_chain(database_url: str, key: bytes | None = None) -> audit.ChainCheck:
    """The walk along the chain in a session of its own (it streams, in one transaction)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as own_session:
            return audit.check_chain(own_session, key)
    finally:
        engine.dispose()


def record_more(session: Session, count: int) -> None:
    audit.record_many(session, action="test.later", actor=SYSTEM, object_ids=list(range(count)))
    session.commit()


def rewrite_plain_chain_from(session: Session, first: AuditEvent, detail: str | None) -> None:
    """What the plain chain allowed: change an event, then recompute SHA-256 values after it."""
    events = session.exec(
        select(AuditEvent).where(col(AuditEvent.id) >= first.id).order_by(col(AuditEvent.id))
    ).all()
    previous = events[0].previous_hash
    for rewritten in events:
        if rewritten.id == first.id and detail is not None:
            rewritten.detail = detail
        rewritten.previous_hash = previous
        rewritten.hash = previous = audit.unkeyed_hash(rewritten)
        session.add(rewritten)
        session.commit()


def test_a_log_from_before_the_key_gets_one_anchor_and_verifies_whole(
    database_url: str, session: Session
) -> None:
    old = write_unkeyed_events(session, 3)

    new = write_events(session, 2)

    anchor = session.exec(select(AuditEvent).where(AuditEvent.action == audit.ANCHOR_ACTION)).one()
    assert anchor.previous_hash == old[-1].hash
    assert new[0].previous_hash == anchor.hash and new[1].previous_hash == new[0].hash
    assert all(e.hash == audit.event_hash(e) for e in [anchor, *new])
    result = run_verify(database_url)
    assert result.returncode == 0, result.stderr
    assert f"intact: 6 gebeurtenissen, met sleutel vanaf gebeurtenis {anchor.id}." in result.stdout


def test_a_log_started_with_the_key_has_no_anchor(database_url: str, session: Session) -> None:
    write_events(session, 2)

    assert (
        session.exec(select(AuditEvent).where(AuditEvent.action == audit.ANCHOR_ACTION)).all() == []
    )
    assert check_chain(database_url).keyed_from is not None


@pytest.mark.parametrize("history", ["met sleutel", "eerst zonder sleutel"])
def test_an_event_changed_and_the_plain_chain_recomputed_after_it_is_found(
    database_url: str, session: Session, history: str
) -> None:
    if history == "eerst zonder sleutel":
        write_unkeyed_events(session, 2)
    events = write_events(session, 5)
    _drop_append_only_guard(session)

    rewrite_plain_chain_from(session, events[2], detail='{"nummer": 99}')

    result = run_verify(database_url)
    assert result.returncode == 1
    assert f"gebeurtenis {events[2].id} " in result.stderr


def test_verify_with_another_key_breaks_at_the_first_keyed_event(
    database_url: str, session: Session
) -> None:
    write_unkeyed_events(session, 2)
    write_events(session, 2)

    check = check_chain(database_url, key=b"een-andere-sleutel-van-minstens-32-tekens")

    assert check.broken is not None and check.broken.action == audit.ANCHOR_ACTION


@pytest.mark.parametrize(
    ("tampering", "reported"),
    [
        ("nieuwste weggehaald", "De logging is ingekort: gebeurtenis"),
        ("weggehaald en aangevuld", "De logging is ingekort"),
        ("geheel herschreven zonder sleutel", "De logging is ingekort of herschreven: gebeurtenis"),
    ],
)
def test_a_checkpoint_shows_a_log_cut_short_or_rewritten(
    database_url: str, session: Session, tampering: str, reported: str
) -> None:
    events = write_events(session, 5)
    line = run_cli(database_url, "audit", "checkpoint").stdout.strip()
    _drop_append_only_guard(session)

    if tampering == "geheel herschreven zonder sleutel":
        rewrite_plain_chain_from(session, events[0], detail=None)
    else:
        session.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": events[3].id})
        session.expunge_all()  # SQLite may hand the deleted ids out again
        if tampering == "weggehaald en aangevuld":
            record_more(session, 3)

    assert run_verify(database_url).returncode == 0  # the chain itself holds
    result = run_cli(database_url, "audit", "verify", "--checkpoint", line)
    assert result.returncode == 1
    assert reported in result.stderr


def test_checkpoint_then_verify_against_it_from_the_command_line(
    database_url: str, session: Session
) -> None:
    events = write_events(session, 3)

    taken = run_cli(database_url, "audit", "checkpoint")

    assert taken.returncode == 0, taken.stderr
    [line] = taken.stdout.splitlines()
    assert re.fullmatch(rf"casustafel-checkpoint:v1:{events[-1].id}:3:[0-9a-f]{{64}}", line)
    assert "Bewaar deze regel buiten de database" in taken.stderr
    record_more(session, 2)
    result = run_cli(database_url, "audit", "verify", "--checkpoint", line)
    assert result.returncode == 0, result.stderr
    assert "De logging is intact: 5 gebeurtenissen" in result.stdout
    assert f"controlepunt (gebeurtenis {events[-1].id}) klopt; daarna zijn er 2" in result.stdout
    garbled = run_cli(database_url, "audit", "verify", "--checkpoint", line[:-1])
    assert garbled.returncode == 2
    assert "Dit is geen controlepunt van Casustafel" in garbled.stderr


def test_an_empty_log_has_no_checkpoint(database_url: str) -> None:
    result = run_cli(database_url, "audit", "checkpoint")

    assert result.returncode == 1
    assert "De logging is nog leeg" in result.stderr


def test_many_events_and_an_anchor_cost_as_few_statements_as_one_event(
    database_url: str, session: Session
) -> None:
    write_unkeyed_events(session, 2)
    engine = session.get_bind()

    def statements(count: int) -> list[str]:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2].split()[0])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            record_more(session, count)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    fifty_and_the_anchor, one = statements(50), statements(1)

    assert [s for s in fifty_and_the_anchor if s != "INSERT"] == [s for s in one if s != "INSERT"]
    # SQLAlchemy cannot batch an ORM INSERT … RETURNING on SQLite (no order for new rowids).
    batched = engine.dialect.name == "postgresql"
    assert fifty_and_the_anchor.count("INSERT") == (1 if batched else 51)
    assert check_chain(database_url).count == 2 + 1 + 50 + 1
