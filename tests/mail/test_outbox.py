"""The outbox against a real SMTP server: mail arrives, once, and survives a server outage."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine, utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sender import MAX_ATTEMPTS, deliver_due, run_worker
from app.mail.service import Attachment, enqueue, enqueue_many, failed_messages
from tests.pg import free_port
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]

INVITATION = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Casustafel//NL",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:overleg-42@casustafel",
        "DTSTART:20270303T090000Z",
        "SUMMARY:Casusoverleg Zuid – wijkteam",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


@pytest.fixture
def down_settings(settings: Settings) -> Settings:
    """Settings pointing at a port nothing listens on."""
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port()})


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def enqueue_committed(engine: Engine, to: str = "jan@example.nl", **extra: Any) -> int:
    """Enqueue one mail in a transaction of its own, as a use case would; its id."""
    with Session(engine) as db:
        message = enqueue(db, to=to, subject="Uitnodiging", body="Beste collega,", **extra)
        db.commit()
        assert message.id is not None
        return message.id


def row(session: Session, message_id: int) -> OutboxMessage:
    session.expire_all()
    return session.get_one(OutboxMessage, message_id)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_committed_mail_arrives_with_body_and_invitation(
    engine: Engine, session: Session, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    body = "Beste Jan,\n\nU bent uitgenodigd voor het casusoverleg – tot dan.\n"
    with Session(engine) as db:
        message = enqueue(
            db,
            to="jan@example.nl",
            subject="Uitnodiging: casusoverleg Zuid, 3 maart",
            body=body,
            attachment=Attachment("overleg.ics", "text/calendar; method=REQUEST", INVITATION),
        )
        db.commit()
        message_id = message.id
    assert message_id is not None

    assert deliver_due(engine, mail_settings) == 1

    [mail] = smtp_server.mails()
    assert smtp_server.recipients() == ["jan@example.nl"]
    assert mail["To"] == "jan@example.nl"
    assert mail["From"] == "MDO <mdo@gemeente.nl>"
    assert mail["Subject"] == "Uitnodiging: casusoverleg Zuid, 3 maart"
    assert mail["Message-ID"].endswith("@gemeente.nl>")
    text = mail.get_body(preferencelist=("plain",))
    assert text is not None
    assert text.get_content().splitlines() == body.splitlines()
    [invitation] = mail.iter_attachments()
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_filename() == "overleg.ics"
    properties = dict(line.split(":", 1) for line in invitation.get_content().splitlines())
    assert properties["UID"] == "overleg-42@casustafel"
    assert properties["SUMMARY"] == "Casusoverleg Zuid – wijkteam"
    stored = row(session, message_id)
    assert stored.status == OutboxStatus.SENT
    assert stored.sent_at is not None
    assert stored.claim_token is None


def test_cancellation_is_sent_with_method_cancel(
    engine: Engine, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    cancel = INVITATION.replace("METHOD:REQUEST", "METHOD:CANCEL")
    attachment = Attachment("overleg.ics", "text/calendar; method=CANCEL", cancel)
    enqueue_committed(engine, attachment=attachment)

    deliver_due(engine, mail_settings)

    [invitation] = smtp_server.mails()[0].iter_attachments()
    assert invitation.get_param("method") == "CANCEL"


def test_mail_waits_while_the_server_is_down_and_is_delivered_once_later(
    engine: Engine,
    session: Session,
    down_settings: Settings,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    message_id = enqueue_committed(engine, to="piet.jansen@example.nl")
    start = utcnow()

    assert deliver_due(engine, down_settings, now=start) == 0

    stored = row(session, message_id)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts == 1
    assert stored.next_attempt_at > start
    assert stored.last_error
    assert "piet" not in stored.last_error
    assert "example" not in stored.last_error
    assert "piet" not in caplog.text

    assert deliver_due(engine, mail_settings, now=start) == 0
    assert smtp_server.received == []

    retry_at = stored.next_attempt_at
    assert deliver_due(engine, mail_settings, now=retry_at) == 1
    assert deliver_due(engine, mail_settings, now=retry_at + timedelta(days=1)) == 0
    assert smtp_server.recipients() == ["piet.jansen@example.nl"]
    assert row(session, message_id).status == OutboxStatus.SENT


def test_mail_is_given_up_after_the_maximum_attempts(
    engine: Engine,
    session: Session,
    down_settings: Settings,
    mail_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    message_id = enqueue_committed(engine)
    moment = utcnow()
    for _ in range(MAX_ATTEMPTS - 1):
        deliver_due(engine, down_settings, now=moment)
        moment += timedelta(hours=2)
    assert row(session, message_id).status == OutboxStatus.PENDING

    deliver_due(engine, down_settings, now=moment)

    stored = row(session, message_id)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == MAX_ATTEMPTS
    assert [m.id for m in failed_messages(session)] == [message_id]
    assert deliver_due(engine, mail_settings, now=moment + timedelta(days=1)) == 0
    assert smtp_server.received == []


def test_failed_messages_lists_newest_first(engine: Engine, session: Session) -> None:
    older, newer, pending = (enqueue_committed(engine, to=f"{n}@example.nl") for n in "abc")
    for message_id, age in ((older, 2), (newer, 1)):
        stored = row(session, message_id)
        stored.status = OutboxStatus.FAILED
        stored.created_at = utcnow() - timedelta(days=age)
        session.add(stored)
        session.commit()

    assert [m.id for m in failed_messages(session)] == [newer, older]
    assert row(session, pending).status == OutboxStatus.PENDING


def test_two_simultaneous_runs_deliver_each_mail_exactly_once(
    database_url: str, engine: Engine, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    smtp_server.delay = 0.2
    addresses = [f"lid{n}@example.nl" for n in range(4)]
    with Session(engine) as db:
        enqueue_many(db, recipients=addresses, subject="Agenda", body="Zie bijlage.")
        db.commit()
    engines = [make_engine(database_url) for _ in range(2)]
    together = threading.Barrier(2)

    def run(own_engine: Engine) -> int:
        together.wait(timeout=5)
        return deliver_due(own_engine, mail_settings)

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(run, engines))
    for own_engine in engines:
        own_engine.dispose()

    assert smtp_server.recipients() == addresses
    assert sum(sent) == len(addresses)


def test_enqueue_many_sends_one_mail_per_distinct_recipient(
    engine: Engine, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    recipients = ["a@example.nl", "b@example.nl", "A@example.nl "]
    with Session(engine) as db:
        assert enqueue_many(db, recipients=recipients, subject="Agenda", body="Zie bijlage.") == 2
        db.commit()

    deliver_due(engine, mail_settings)

    assert smtp_server.recipients() == ["a@example.nl", "b@example.nl"]


def test_mail_rolled_back_with_its_transaction_is_never_sent(
    engine: Engine, session: Session, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    with Session(engine) as db:
        enqueue(db, to="jan@example.nl", subject="Uitnodiging", body="Beste Jan,")
        db.flush()
        db.rollback()

    assert deliver_due(engine, mail_settings) == 0
    assert smtp_server.received == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_worker_runs_its_jobs_delivers_and_stops(
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    enqueued = threading.Event()
    address_in_error = "geheim@example.nl"

    def broken_job() -> None:
        raise RuntimeError(address_in_error)

    def enqueue_reminders() -> None:
        if not enqueued.is_set():
            enqueue_committed(engine, to="herinnering@example.nl")
            enqueued.set()

    stop = threading.Event()
    worker = threading.Thread(
        target=run_worker,
        args=(engine, mail_settings),
        kwargs={"stop": stop, "interval": 0.05, "jobs": [broken_job, enqueue_reminders]},
    )
    worker.start()
    try:
        assert wait_for(lambda: len(smtp_server.received) >= 1)
    finally:
        stop.set()
        worker.join(timeout=5)

    assert not worker.is_alive()
    assert smtp_server.recipients() == ["herinnering@example.nl"]
    assert "RuntimeError" in caplog.text
    assert "geheim" not in caplog.text
