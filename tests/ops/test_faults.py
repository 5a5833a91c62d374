"""Faults survived, on PostgreSQL with two `casustafel serve` processes (background jobs off) and
one `casustafel worker`: requests spread over both processes behave as on one; a database
restart gives the Dutch 503 page and then every process serves again by itself; a save
acknowledged just before its process is killed is kept; mail survives an SMTP outage and a
stopped worker, delivered exactly once."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, create_engine, select

from app.auth.service import LOCKED_OUT, WRONG_CREDENTIALS
from app.db import utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.service import enqueue
from app.meetings.models import ItemRecord
from app.meetings.service import fingerprint
from app.security.csrf import CSRF_HEADER
from tests.mail.test_outbox import wait_for
from tests.ops.cluster import CHAIR, Cluster, log_in, running_cluster, start_meeting

HTMX = {"HX-Request": "true"}
UNAVAILABLE = "Tijdelijk niet beschikbaar"
# A woningcorporatie account: the throttle test locks it out, no other test logs in with it.
LOCKED_ACCOUNT = "woningcorporatie@wonen.example"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("faults"), history=False) as running:
        with running.client() as chair:
            log_in(chair, CHAIR)
            start_meeting(chair, running.places)
        yield running


@pytest.fixture(scope="module")
def engine(cluster: Cluster) -> Iterator[Engine]:
    engine = create_engine(cluster.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def chair(cluster: Cluster) -> Iterator[httpx.Client]:
    """The chair, logged in, each request to the next process."""
    with cluster.client() as client:
        log_in(client, CHAIR)
        yield client


def save(client: httpx.Client, url: str, value: str, based_on: str) -> httpx.Response:
    """An autosave as live.js sends it (htmx, with the CSRF token in its header)."""
    return client.post(url, data={"value": value, "version": based_on}, headers=HTMX)


def stored_discussion(engine: Engine, item_id: int) -> str:
    with Session(engine) as session:
        record = session.exec(select(ItemRecord).where(ItemRecord.agenda_item_id == item_id)).one()
        return record.discussion


def port_of(response: httpx.Response) -> int:
    port = response.request.url.port
    assert port is not None
    return port


def test_a_client_switching_processes_on_every_request_is_served_as_by_one(
    cluster: Cluster, chair: httpx.Client
) -> None:
    places = cluster.places
    start_pages = [chair.get("/") for _ in cluster.servers]
    assert {port_of(page) for page in start_pages} == {s.port for s in cluster.servers}
    assert all(page.status_code == 200 and "Welkom" in page.text for page in start_pages)

    # A form without its token is refused by either process.
    url = places.text_url(places.item_ids[1])
    refused = [chair.post(url, data={"value": "x"}, headers={CSRF_HEADER: ""}) for _ in "ab"]
    assert [response.status_code for response in refused] == [403, 403]

    # The chair in a second browser writes in the same field: the later save, based on the
    # text both started from, is refused with the other text, whichever process answers.
    first = save(chair, url, "Eerst opgeslagen.", fingerprint(""))
    other = next(i for i, s in enumerate(cluster.servers) if s.port != port_of(first))
    # Logging in takes three requests: the save goes to the other process.
    with cluster.client(first=other + 1) as second_browser:
        log_in(second_browser, CHAIR)
        later = save(second_browser, url, "Later, op oude tekst.", fingerprint(""))
    assert first.status_code == 200
    assert later.status_code == 409 and "Eerst opgeslagen." in later.text
    assert port_of(first) != port_of(later)

    pdfs = [chair.get(places.minutes_pdf_url) for _ in cluster.servers]
    assert [pdf.status_code for pdf in pdfs] == [200, 200]
    assert all(pdf.content.startswith(b"%PDF") for pdf in pdfs)


def test_failed_logins_count_on_every_process(cluster: Cluster) -> None:
    tried_at = set()
    for attempt in range(4):
        # A fresh browser each time, its login form sent to the other process than the last.
        with cluster.client(first=attempt) as client:
            wrong = log_in(client, LOCKED_ACCOUNT, password="niet-het-wachtwoord", expect=422)
        assert WRONG_CREDENTIALS in wrong.text
        tried_at.add(port_of(wrong))
    assert tried_at == {server.port for server in cluster.servers}

    # The fifth failure locks the account, after which even its password is refused everywhere.
    with cluster.client() as client:
        fifth = log_in(client, LOCKED_ACCOUNT, password="niet-het-wachtwoord", expect=422)
    assert LOCKED_OUT in fifth.text
    for first in range(len(cluster.servers)):
        with cluster.client(first=first) as client:
            refused = log_in(client, LOCKED_ACCOUNT, expect=422)
        assert LOCKED_OUT in refused.text


@dataclass
class Autosaver:
    """The chair typing on: a save every tenth of a second, and two page loads in between
    (three requests a round, so each process gets saves and page loads in turn)."""

    client: httpx.Client
    url: str
    acknowledged: str = ""
    answers: list[httpx.Response] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            text = f"{self.acknowledged} woord{number}".strip()
            saved = save(self.client, self.url, text, fingerprint(self.acknowledged))
            if saved.status_code == 200:
                self.acknowledged = text
            self.answers += [saved, self.client.get("/"), self.client.get("/")]
            time.sleep(0.1)


def test_a_database_restart_shows_the_dutch_503_and_every_process_recovers_by_itself(
    cluster: Cluster, chair: httpx.Client, engine: Engine
) -> None:
    item_id = cluster.places.item_ids[0]
    typing = Autosaver(chair, cluster.places.text_url(item_id))
    worker = threading.Thread(target=typing.run)
    worker.start()
    try:
        assert wait_for(lambda: typing.acknowledged != "", timeout=30)
        cluster.postgres.halt()
        during = len(typing.answers)
        assert wait_for(lambda: len(typing.answers) > during + 9, timeout=30)
        cluster.postgres.resume()
        outage_ended = len(typing.answers)
        assert wait_for(lambda: served_by_all(cluster, typing.answers[outage_ended:]), timeout=30)
    finally:
        typing.stop.set()
        worker.join(timeout=30)

    statuses = Counter(answer.status_code for answer in typing.answers)
    assert set(statuses) == {200, 503}, statuses
    unavailable = [answer for answer in typing.answers if answer.status_code == 503]
    assert {answer.request.headers.get("HX-Request") for answer in unavailable} == {"true", None}
    assert all(UNAVAILABLE in answer.text for answer in unavailable)
    assert not any("Traceback" in answer.text for answer in unavailable)
    # Nobody restarted the processes: the very same ones answered before and after.
    assert all(server.running() for server in cluster.servers)
    logs = "".join(server.log.read_text() for server in cluster.servers)
    assert "Database onbereikbaar" in logs and "Onverwachte fout" not in logs
    assert stored_discussion(engine, item_id) == typing.acknowledged


def served_by_all(cluster: Cluster, answers: list[httpx.Response]) -> bool:
    """Every process answered a save and a page with 200 in these answers."""
    served = {(port_of(answer), answer.request.method) for answer in answers if answer.is_success}
    return all({(s.port, "GET"), (s.port, "POST")} <= served for s in cluster.servers)


def test_a_save_acknowledged_just_before_its_process_is_killed_is_kept(
    cluster: Cluster, chair: httpx.Client, engine: Engine
) -> None:
    item_id = cluster.places.item_ids[2]
    text = "Afgesproken: de wijkagent gaat langs."
    saved = save(chair, cluster.places.text_url(item_id), text, fingerprint(""))
    assert saved.status_code == 200
    [killed] = [server for server in cluster.servers if server.port == port_of(saved)]
    killed.kill()
    try:
        assert stored_discussion(engine, item_id) == text
        page = chair.get(cluster.places.live_url, params={"punt": item_id})  # the other process
        assert page.status_code == 200 and text in page.text
    finally:
        killed.start()


def queue_mails(engine: Engine, label: str, count: int) -> list[str]:
    """Mails in the outbox, as a use case leaves them; their addressees."""
    addresses = [f"{label}{number}@example.nl" for number in range(count)]
    with Session(engine) as session:
        for address in addresses:
            enqueue(session, to=address, subject="Nieuwe actie", body="Zie Casustafel.")
        session.commit()
    return addresses


def outbox_of(engine: Engine, addresses: list[str]) -> list[OutboxMessage]:
    with Session(engine) as session:
        statement = select(OutboxMessage).where(col(OutboxMessage.to_address).in_(addresses))
        return list(session.exec(statement))


def delivered_to(cluster: Cluster, addresses: list[str]) -> Counter[str]:
    """Which of these addressees got how many distinct mails (by Message-ID)."""
    mails = {
        (str(mail["Message-ID"]), str(mail["To"]))
        for mail in cluster.mail.collected.mails()
        if str(mail["To"]) in addresses
    }
    return Counter(address for _id, address in mails)


def sent_once(cluster: Cluster, addresses: list[str]) -> bool:
    received = [
        address for envelope in cluster.mail.collected.received for address in envelope.rcpt_tos
    ]
    return sorted(a for a in received if a in addresses) == sorted(addresses)


def test_mail_queued_while_the_smtp_server_is_down_arrives_once_it_is_back(
    cluster: Cluster, engine: Engine
) -> None:
    cluster.mail.stop()
    addresses = queue_mails(engine, "storing", 4)
    try:
        tried = lambda: all(m.attempts >= 1 for m in outbox_of(engine, addresses))  # noqa: E731
        assert wait_for(tried, timeout=30), "the worker did not try while the server was down"
    finally:
        cluster.mail.start()
    # The minute of back-off after a failed attempt passes.
    with Session(engine) as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.to_address).in_(addresses))
            .values(next_attempt_at=utcnow())
        )
        session.commit()

    assert wait_for(lambda: sent_once(cluster, addresses), timeout=30)
    time.sleep(1)  # a second delivery would have arrived by now
    assert sent_once(cluster, addresses)
    assert {m.status for m in outbox_of(engine, addresses)} == {OutboxStatus.SENT}


def test_a_worker_stopped_mid_batch_loses_no_mail_and_sends_none_twice(
    cluster: Cluster, engine: Engine
) -> None:
    cluster.mail.collected.delay = 0.3
    try:
        addresses = queue_mails(engine, "batch", 12)
        arrived = lambda: sum(delivered_to(cluster, addresses).values()) >= 2  # noqa: E731
        assert wait_for(arrived, timeout=30)
        assert cluster.worker.terminate() == 0
        assert sum(delivered_to(cluster, addresses).values()) < len(addresses), "stopped mid-batch"
        cluster.worker.start()
        assert wait_for(lambda: sent_once(cluster, addresses), timeout=60)
    finally:
        cluster.mail.collected.delay = 0.0
    assert delivered_to(cluster, addresses) == Counter(addresses)
    assert sent_once(cluster, addresses)
