"""Prometheus metrics on /metrics, for whoever holds the token: requests by route template,
latency, the outbox, PDF rendering and the background jobs. Labels name routes, methods,
statuses and jobs, never a path, an id or anything a person typed.

`casustafel serve` and `casustafel worker` keep each process's figures in files (prometheus-
client's multiprocess mode), so /metrics answers the sum of all processes on this machine."""

import hmac
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.logs import route_template
from app.mail.models import OutboxMessage, OutboxStatus

METRICS_PATH = "/metrics"
PROCESS_FILES_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
WORKER_FOLDER = "worker"
UNMATCHED_ROUTE = "unmatched"
# Any other method a client makes up is counted as one label value, so it cannot grow the series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PDF_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class _Instruments:
    requests: Counter
    request_seconds: Histogram
    outbox_send_failures: Counter
    pdf_render_seconds: Histogram
    pdf_renders_in_progress: Gauge
    job_runs: Counter
    job_failures: Counter


@cache
def _instruments() -> _Instruments:
    # Made on first use, not at import: `serve` chooses the process files after importing this.
    return _Instruments(
        requests=Counter(
            "casustafel_http_requests_total",
            "Verzoeken per route (sjabloon), methode en status.",
            ["route", "method", "status"],
        ),
        request_seconds=Histogram(
            "casustafel_http_request_duration_seconds",
            "Duur van een verzoek per route (sjabloon) en methode.",
            ["route", "method"],
        ),
        outbox_send_failures=Counter(
            "casustafel_outbox_send_failures_total",
            "Mislukte pogingen om een e-mail uit de wachtrij te versturen.",
        ),
        pdf_render_seconds=Histogram(
            "casustafel_pdf_render_seconds",
            "Duur van het maken van een PDF, het wachten op het renderproces inbegrepen.",
            buckets=PDF_BUCKETS,
        ),
        pdf_renders_in_progress=Gauge(
            "casustafel_pdf_renders_in_progress",
            "PDF's die worden gemaakt of daarop wachten.",
            multiprocess_mode="livesum",
        ),
        job_runs=Counter(
            "casustafel_job_runs_total", "Uitgevoerde achtergrondtaken per taak.", ["job"]
        ),
        job_failures=Counter(
            "casustafel_job_failures_total", "Mislukte achtergrondtaken per taak.", ["job"]
        ),
    )


def serve_folder(settings: Settings, port: int) -> Path:
    """Where the processes of `casustafel serve` on this port keep their figures."""
    return settings.metrics_dir / f"serve-{port}"


def worker_folder(settings: Settings) -> Path:
    """Where `casustafel worker` keeps its figures (shown by /metrics of every serve)."""
    return settings.metrics_dir / WORKER_FOLDER


def use_process_files(folder: Path) -> None:
    """Keep this process's figures, and those of the processes it starts, in files in `folder`,
    emptied first: figures of an earlier run would otherwise be added to this one's."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[PROCESS_FILES_VARIABLE] = str(folder)
    # prometheus-client chose its value store when it was imported, before the folder was known.
    values.ValueClass = values.get_value_class()


def process_ended() -> None:
    """Drop this process's in-progress figures, which would otherwise count on after it ended."""
    folder = os.environ.get(PROCESS_FILES_VARIABLE)
    if folder:
        multiprocess.mark_process_dead(os.getpid(), folder)


def counted_job(name: str, job: Callable[[], ResultT]) -> Callable[[], ResultT]:
    """The job, counting its runs and failures under `name` (also its name in the log)."""

    def run() -> ResultT:
        instruments = _instruments()
        instruments.job_runs.labels(job=name).inc()
        try:
            return job()
        except Exception:
            instruments.job_failures.labels(job=name).inc()
            raise

    run.__qualname__ = name
    return run


def outbox_send_failed() -> None:
    """Count one failed attempt to send an e-mail."""
    _instruments().outbox_send_failures.inc()


@contextmanager
def pdf_rendering() -> Iterator[None]:
    """Count a PDF as in progress while the block runs, and record how long it took."""
    instruments = _instruments()
    in_progress = instruments.pdf_renders_in_progress.track_inprogress()
    with in_progress, instruments.pdf_render_seconds.time():
        yield


class _OutboxBacklog:
    """The e-mails waiting to be sent, counted when scraped (one SQL statement)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Metric]:
        waiting = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status) == OutboxStatus.PENDING)
        )
        try:
            with Session(self.engine) as session:
                count = session.exec(waiting).one()
        except (DBAPIError, TimeoutError):
            # The other figures matter most while the database is down; this one is left out.
            return
        yield GaugeMetricFamily(
            "casustafel_outbox_backlog_messages",
            "E-mails in de wachtrij die nog niet zijn verzonden.",
            value=count,
        )


class _ProcessFiles:
    """The figures in these process files, summed."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.files = [str(path) for path in files]

    def collect(self) -> Iterable[Metric]:
        return multiprocess.MultiProcessCollector.merge(self.files, accumulate=True)


def _runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # runs, as another user
    return True


def _left_by_ended_process(path: Path) -> bool:
    """The file of an in-progress gauge ("gauge_livesum_<pid>.db") whose process no longer
    runs. A process uvicorn killed as hung, or one killed with SIGKILL, never marked itself
    dead, and its renders would count as in progress for good."""
    mode, _, pid = path.stem.rpartition("_")
    return mode.startswith("gauge_live") and pid.isdigit() and not _runs(int(pid))


def _serve_files(folder: Path) -> list[Path]:
    # Only the processes of this serve share its pid namespace; the worker may run elsewhere.
    return [path for path in folder.glob("*.db") if not _left_by_ended_process(path)]


def exposition(engine: Engine, settings: Settings) -> bytes:
    """The metrics in Prometheus's text format: of all processes when they keep files, else of
    this one; plus the outbox backlog."""
    at_scrape = CollectorRegistry(auto_describe=False)
    at_scrape.register(_OutboxBacklog(engine))
    own_folder = os.environ.get(PROCESS_FILES_VARIABLE)
    if own_folder is None:
        return generate_latest(REGISTRY) + generate_latest(at_scrape)
    files = _serve_files(Path(own_folder))
    if worker_folder(settings) != Path(own_folder):
        files += worker_folder(settings).glob("*.db")
    at_scrape.register(_ProcessFiles(files))
    return generate_latest(at_scrape)


def _holds_token(scope: Scope, token: str) -> bool:
    scheme, _, given = Headers(scope=scope).get("authorization", "").partition(" ")
    # Compared in constant time, so the answer's timing tells nothing about the token.
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches


class MetricsEndpoint:
    """Answers /metrics itself (no session, CSRF, audit or access line) to a request with the
    token; without it, or with no token configured, /metrics is any unknown page: a 404."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = self.settings.metrics_token
        if (
            scope["type"] == "http"
            and scope["path"] == METRICS_PATH
            and scope["method"] == "GET"
            and token
            and _holds_token(scope, token)
        ):
            text = await run_in_threadpool(exposition, scope["app"].state.engine, self.settings)
            headers = {"Cache-Control": "no-store"}
            await Response(text, media_type=CONTENT_TYPE_LATEST, headers=headers)(
                scope, receive, send
            )
        else:
            await self.app(scope, receive, send)


class RequestMetrics:
    """Counts each request by route template, method and status, and records its duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            _record_request(scope, status, time.perf_counter() - started)


def _record_request(scope: Scope, status: int, seconds: float) -> None:
    route = route_template(scope) or UNMATCHED_ROUTE
    method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
    instruments = _instruments()
    instruments.requests.labels(route=route, method=method, status=str(status)).inc()
    instruments.request_seconds.labels(route=route, method=method).observe(seconds)
