"""`casustafel worker` on PostgreSQL stops on SIGTERM after the mail under way; after a hard kill
a mail is sent again only once its claim ran out, with the same Message-ID."""

import asyncio
import os
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, create_engine, select

from app.config import Environment, Settings
from app.db import utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sender import LEASE, deliver_due
from app.mail.service import enqueue
from tests.conftest import CLI
from tests.mail.test_outbox import wait_for
from tests.pg import free_port
from tests.smtp import SmtpServer

BATCH = 12


@pytest.fixture
def engine(postgresql_url: str) -> Iterator[Engine]:
    engine = create_engine(postgresql_url)
    yield engine
    engine.dispose()


@pytest.fixture
def queued(engine: Engine) -> list[str]:
    """A batch of mails in the outbox; their addressees."""
    addresses = [f"deelnemer{number}@example.nl" for number in range(BATCH)]
    with Session(engine) as session:
        for address in addresses:
            enqueue(session, to=address, subject="Nieuwe actie", body="Zie Casustafel.")
        session.commit()
    return addresses


def start_worker(postgresql_url: str, smtp_server: SmtpServer) -> subprocess.Popen[str]:
    env = os.environ | {
        "CASUSTAFEL_ENVIRONMENT": "test",
        "CASUSTAFEL_DATABASE_URL": postgresql_url,
        "CASUSTAFEL_SMTP_HOST": "127.0.0.1",
        "CASUSTAFEL_SMTP_PORT": str(smtp_server.port),
        "CASUSTAFEL_MAIL_INTERVAL_SECONDS": "0.2",
    }
    return subprocess.Popen(
        [*CLI, "worker"], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def deliver_the_rest(engine: Engine, postgresql_url: str, port: int, *, later: bool) -> None:
    """What the next worker does, now or once every claim has run out."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url=postgresql_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
    )
    now = utcnow() + LEASE + timedelta(minutes=1) if later else utcnow()
    deliver_due(engine, settings, now=now, batch=BATCH)


@dataclass
class WatchedSmtpServer(SmtpServer):
    """Keeps a message as soon as its data has arrived, then is slow to say so: the moment in
    which a worker that dies leaves a delivered mail recorded as unsent."""

    data_arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(envelope)
        self.data_arrived.set()
        await asyncio.sleep(self.delay)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[WatchedSmtpServer]:
    server = WatchedSmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()


def message_ids(smtp_server: SmtpServer) -> Counter[str]:
    return Counter(str(mail["Message-ID"]) for mail in smtp_server.mails())


def test_sigterm_finishes_the_mail_under_way_and_exits_cleanly(
    engine: Engine, postgresql_url: str, queued: list[str], smtp_server: SmtpServer
) -> None:
    smtp_server.delay = 0.3
    worker = start_worker(postgresql_url, smtp_server)
    assert wait_for(lambda: len(smtp_server.received) >= 2, timeout=60), worker.stderr
    worker.send_signal(signal.SIGTERM)
    _stdout, stderr = worker.communicate(timeout=30)

    assert worker.returncode == 0, stderr
    delivered = len(smtp_server.received)
    assert delivered < BATCH, "the worker stopped mid-batch"
    messages = outbox(engine)
    assert [m.status for m in messages].count(OutboxStatus.SENT) == delivered
    assert all(m.claim_token is None and m.claimed_until is None for m in messages)

    deliver_the_rest(engine, postgresql_url, smtp_server.port, later=False)
    assert smtp_server.recipients() == sorted(queued)
    assert set(message_ids(smtp_server).values()) == {1}


def test_after_a_hard_kill_the_resend_waits_for_the_claim_and_keeps_its_message_id(
    engine: Engine, postgresql_url: str, queued: list[str], smtp_server: WatchedSmtpServer
) -> None:
    smtp_server.delay = 2.0
    worker = start_worker(postgresql_url, smtp_server)
    assert smtp_server.data_arrived.wait(timeout=60)
    worker.kill()
    worker.communicate(timeout=10)
    smtp_server.delay = 0.0
    [claimed] = [m for m in outbox(engine) if m.claim_token is not None]
    assert claimed.status == OutboxStatus.PENDING

    deliver_the_rest(engine, postgresql_url, smtp_server.port, later=False)
    assert smtp_server.recipients().count(claimed.to_address) == 1, "sent again too soon"

    deliver_the_rest(engine, postgresql_url, smtp_server.port, later=True)
    assert smtp_server.recipients() == sorted([*queued, claimed.to_address])
    [(duplicate, times)] = [item for item in message_ids(smtp_server).items() if item[1] > 1]
    assert times == 2
    assert f"outbox.{claimed.id}." in duplicate
