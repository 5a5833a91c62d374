"""Casustafel as an operator runs it, on this machine: a PostgreSQL server of its own, two
`casustafel serve` processes (background jobs off) on two ports, one `casustafel worker` and a
real SMTP server; a test can stop and start each of them. Used by the fault tests and by
`make loadtest`."""

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from alembic import command
from sqlmodel import Session, col, select

from app import demo
from app.agenda.models import AgendaItem
from app.cases.models import Case
from app.cli import alembic_config
from app.config import Environment, Settings
from app.db import make_engine, today
from app.minutes.models import MinutesVersion
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.security.crypto import CaseCrypto
from app.security.csrf import CSRF_HEADER
from tests.conftest import CLI
from tests.e2e.conftest import _wait_until_serving
from tests.pg import PostgresServer, free_port
from tests.smtp import SmtpServer

PASSWORD = "Casustafel-demo-2026"
CHAIR = "voorzitter@dorpsveen.example"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
DATABASE = "casustafel"
# An idle connection is let go before uvicorn's 5 s keep-alive closes it: a browser silently
# sends again over a new one when that races, httpx reports the request as failed.
LIMITS = httpx.Limits(keepalive_expiry=3.0)
STARTABLE = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN)


@dataclass
class Command:
    """One `casustafel` command in the background, its output in a log; started again at will."""

    arguments: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.launch()

    def launch(self) -> None:
        """Start the process without waiting for it to be ready."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [*CLI, *self.arguments], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        """SIGTERM, as systemd stops it; its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Server(Command):
    """`casustafel serve` on a port of its own."""

    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.launch()
        self.wait_until_serving()

    def wait_until_serving(self) -> None:
        assert self.process is not None
        # Several processes start at once on a machine that may be busy with other tests.
        _wait_until_serving(self.base_url, self.process)  # type: ignore[arg-type]


@dataclass
class MailServer:
    """The aiosmtpd server on a fixed port that can go down and come back."""

    collected: SmtpServer
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collected, hostname="127.0.0.1", port=self.collected.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@dataclass
class Cluster:
    postgres: PostgresServer
    database_url: str
    servers: list[Server]
    worker: Command
    mail: MailServer
    places: "DemoPlaces"

    def client(self, *, first: int = 0) -> httpx.Client:
        """A client that sends each request to the next process in turn, the first to the
        process at that index."""
        return httpx.Client(
            base_url=self.servers[0].base_url, transport=RoundRobin(self.ports(first)), timeout=30
        )

    def async_client(self, logged_in: httpx.Client) -> httpx.AsyncClient:
        """An asyncio client in the session of a logged-in client, spread over the processes."""
        return httpx.AsyncClient(
            base_url=self.servers[0].base_url,
            transport=AsyncRoundRobin(self.ports()),
            cookies=logged_in.cookies,
            headers=logged_in.headers,
            timeout=60,
        )

    def ports(self, first: int = 0) -> list[int]:
        ports = [server.port for server in self.servers]
        first %= len(ports)
        return ports[first:] + ports[:first]


class Rotation:
    """Sends each request to the next port: as a load balancer without sticky sessions."""

    def __init__(self, ports: list[int]) -> None:
        self._ports = ports
        self._sent = 0

    @property
    def next_port(self) -> int:
        return self._ports[self._sent % len(self._ports)]

    def route(self, request: httpx.Request) -> None:
        request.url = request.url.copy_with(port=self.next_port)
        self._sent += 1


class RoundRobin(Rotation, httpx.HTTPTransport):
    def __init__(self, ports: list[int]) -> None:
        Rotation.__init__(self, ports)
        httpx.HTTPTransport.__init__(self, limits=LIMITS)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.route(request)
        return super().handle_request(request)


class AsyncRoundRobin(Rotation, httpx.AsyncHTTPTransport):
    def __init__(self, ports: list[int]) -> None:
        Rotation.__init__(self, ports)
        httpx.AsyncHTTPTransport.__init__(self, limits=LIMITS)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.route(request)
        return await super().handle_async_request(request)


@dataclass(frozen=True)
class DemoPlaces:
    """Where the demo's pages are: the overleg, its next meeting (live page, agenda items),
    the held meeting's vastgesteld verslag and the casussen."""

    series_url: str
    meeting_url: str
    item_ids: list[int]
    minutes_pdf_url: str
    open_meeting_id: int  # the first meeting after it whose agenda still takes casussen
    case_urls: list[str] = field(default_factory=list)

    @property
    def live_url(self) -> str:
        return f"{self.meeting_url}/live"

    def text_url(self, item_id: int, text_field: str = "discussion") -> str:
        return f"{self.live_url}/punten/{item_id}/tekst/{text_field}"


def demo_places(database_url: str) -> DemoPlaces:
    engine = make_engine(database_url, connections=1)
    with Session(engine) as session:
        series = session.exec(
            select(MeetingSeries).where(MeetingSeries.name == demo.DEMO_SERIES)
        ).one()
        meetings = session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
        ).all()
        items_of = {
            meeting.id: session.exec(
                select(col(AgendaItem.id))
                .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None))
                .order_by(col(AgendaItem.position))
            ).all()
            for meeting in meetings
        }
        upcoming = next(m for m in meetings if m.status in STARTABLE and items_of[m.id])
        held = next(m for m in meetings if m.status == MeetingStatus.MINUTES_FINAL)
        still_open = next(m for m in meetings if m.agenda_deadline >= today() and m != upcoming)
        version = session.exec(
            select(MinutesVersion.number).where(MinutesVersion.meeting_id == held.id)
        ).first()
        cases = session.exec(select(col(Case.id)).where(Case.series_id == series.id)).all()
    engine.dispose()
    series_url = f"/overleggen/{series.id}"
    return DemoPlaces(
        series_url=series_url,
        meeting_url=f"{series_url}/bijeenkomsten/{upcoming.id}",
        item_ids=[item_id for item_id in items_of[upcoming.id] if item_id is not None],
        minutes_pdf_url=f"{series_url}/bijeenkomsten/{held.id}/verslag/versies/{version}.pdf",
        open_meeting_id=still_open.id,
        case_urls=[f"{series_url}/casussen/{case_id}" for case_id in cases],
    )


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a page hands out."""
    match = CSRF_INPUT.search(page.text)
    assert match, f"geen CSRF-token op {page.url}"
    return match.group(1)


def log_in(
    client: httpx.Client, email: str, password: str = PASSWORD, *, expect: int = 303
) -> httpx.Response:
    """Log in through the form (the answer should have status `expect`); once logged in the
    client sends the session's CSRF token with every request, as htmx does."""
    client.headers.pop(CSRF_HEADER, None)
    token = csrf_of(client.get("/inloggen"))
    answer = client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": token}
    )
    assert answer.status_code == expect, answer.text
    if answer.status_code == 303:
        client.headers[CSRF_HEADER] = csrf_of(client.get("/"))
    return answer


def start_meeting(client: httpx.Client, places: DemoPlaces) -> None:
    """As the chair: the confidentiality statement read, the meeting started (on any day)."""
    started = client.post(
        f"{places.live_url}/starten",
        data={"confidentiality_read": "true", "confirm_other_day": "true"},
    )
    assert started.status_code == 303, started.text


def settings_for(database_url: str) -> Settings:
    """The settings every process of the cluster runs with (the demo's development keys)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url=database_url,
        background_jobs=False,
    )


def run(database_url: str, *arguments: str) -> None:
    env = os.environ | {"CASUSTAFEL_DATABASE_URL": database_url}
    subprocess.run([*CLI, *arguments], env=env, check=True, capture_output=True)


def seed(database_url: str, *, history: bool) -> None:
    """The demo, as `casustafel seed-demo` loads it (with eighteen months of history), or only
    the demo itself: a few seconds instead of half a minute."""
    if history:
        run(database_url, "seed-demo")
        return
    engine = make_engine(database_url, connections=1)
    with Session(engine) as session:
        demo.seed_demo(session, crypto=CaseCrypto.from_settings(settings_for(database_url)))
    engine.dispose()


@contextmanager
def running_cluster(directory: Path, *, history: bool) -> Iterator[Cluster]:
    """PostgreSQL, migrated and loaded with the demo; then the mail server, the worker and two
    serve processes. All stopped afterwards."""
    with ExitStack() as stack:
        postgres = PostgresServer()
        postgres.start()
        stack.callback(postgres.stop)
        postgres.execute(f"CREATE DATABASE {DATABASE}")
        database_url = postgres.url(DATABASE)
        command.upgrade(alembic_config(database_url), "head")
        seed(database_url, history=history)
        mail = MailServer(SmtpServer(port=free_port()))
        mail.start()
        stack.callback(mail.stop)
        env = os.environ | {
            "CASUSTAFEL_ENVIRONMENT": "test",
            "CASUSTAFEL_DATABASE_URL": database_url,
            "CASUSTAFEL_BACKGROUND_JOBS": "false",
            "CASUSTAFEL_SMTP_HOST": "127.0.0.1",
            "CASUSTAFEL_SMTP_PORT": str(mail.collected.port),
            "CASUSTAFEL_MAIL_INTERVAL_SECONDS": "0.2",
        }
        worker = Command(["worker"], env, directory / "worker.log")
        servers = []
        for number in (1, 2):
            port = free_port()
            arguments = ["serve", "--demo", "--port", str(port)]
            server_env = env | {"CASUSTAFEL_BASE_URL": f"http://127.0.0.1:{port}"}
            servers.append(
                Server(arguments, server_env, directory / f"serve-{number}.log", port=port)
            )
        for started in (worker, *servers):
            started.launch()
            stack.callback(_stop, started)
        for server in servers:
            server.wait_until_serving()
        yield Cluster(postgres, database_url, servers, worker, mail, demo_places(database_url))


def _stop(command: Command) -> None:
    if command.running():
        command.terminate()
