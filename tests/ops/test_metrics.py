"""/metrics: only for whoever holds the token, no personal data in any label, and the figures
an operator watches: requests, latency, outbox, PDF rendering, jobs; summed over processes."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

from app import pdf
from app.cases.models import Case
from app.config import Environment, Settings
from app.jobs import planning_jobs
from app.mail import service as mail_service
from app.mail.models import OutboxMessage
from app.mail.sender import deliver_due
from app.main import create_app
from app.ops.metrics import PROCESS_FILES_VARIABLE, exposition
from app.overleg.models import MeetingSeries
from tests.cases.forms import form, open_meeting, post
from tests.conftest import CLI, log_in, statements_sent
from tests.e2e.conftest import _wait_until_serving
from tests.factories import PASSWORD
from tests.mail.test_outbox import wait_for
from tests.pg import free_port
from tests.planning import Table, series, table

__all__ = ["series", "table"]

TOKEN = "metriek-token-" + "z" * 32
BEARER = {"Authorization": f"Bearer {TOKEN}"}
LOGIN_PAGE = {"route": "/inloggen", "method": "GET", "status": "200"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metrics_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_token": TOKEN})


@pytest.fixture
def metrics_app(metrics_settings: Settings) -> Iterator[FastAPI]:
    application = create_app(metrics_settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def metrics_client(metrics_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(metrics_app, follow_redirects=False) as test_client:
        yield test_client


def parse(exposition: str) -> Samples:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def scrape(client: TestClient | httpx.Client) -> Samples:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_is_an_unknown_page_when_no_token_is_configured(client: TestClient) -> None:
    response = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text


@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer"],
)
def test_metrics_without_the_right_token_is_an_unknown_page(
    metrics_client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = metrics_client.get("/metrics", headers=headers)
    assert response.status_code == 404
    assert "casustafel_" not in response.text


@pytest.mark.parametrize("token", ["te-kort", "é" * 40, "met\nregeleinde" + "x" * 30])
def test_a_short_or_unprintable_token_is_refused_at_start(token: str) -> None:
    with pytest.raises(ValidationError, match="CASUSTAFEL_METRICS_TOKEN is een geheime waarde"):
        Settings(_env_file=None, metrics_token=token)  # type: ignore[call-arg]


def test_a_scrape_sets_no_cookie_and_costs_one_statement(
    metrics_app: FastAPI, metrics_client: TestClient
) -> None:
    metrics_client.get("/metrics", headers=BEARER)  # the first connection may ask about the server
    sent = statements_sent(metrics_app, lambda: metrics_client.get("/metrics", headers=BEARER))
    assert len([s for s in sent if not s.startswith("BEGIN")]) == 1
    response = metrics_client.get("/metrics", headers=BEARER)
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert value(parse(response.text), "casustafel_outbox_backlog_messages") == 0


def test_a_scrape_still_answers_when_the_database_cannot_be_reached() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url="postgresql+psycopg://casustafel@127.0.0.1:9/niemand",
        background_jobs=False,
        metrics_token=TOKEN,
    )
    with TestClient(create_app(settings)) as client:
        status = str(client.get("/inloggen").status_code)
        samples = scrape(client)
    assert value(samples, "casustafel_http_requests_total", **LOGIN_PAGE | {"status": status}) >= 1
    assert ("casustafel_outbox_backlog_messages", frozenset()) not in samples


def test_a_casus_page_is_counted_under_its_route_template_without_ids_or_names(
    metrics_client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(metrics_client, table.chair.email, PASSWORD)
    post(
        metrics_client,
        f"/overleggen/{series.id}/casussen/nieuw",
        form(open_meeting(session, series)),
    )
    case = session.exec(select(Case)).one()
    route = "/overleggen/{series_id}/casussen/{case_id}"
    before = scrape(metrics_client)

    assert metrics_client.get(f"/overleggen/{series.id}/casussen/{case.id}").status_code == 200
    metrics_client.get("/bestaat/niet")
    response = metrics_client.get("/metrics", headers=BEARER)

    after = parse(response.text)
    labels = {"route": route, "method": "GET", "status": "200"}
    assert value(after, "casustafel_http_requests_total", **labels) == (
        value(before, "casustafel_http_requests_total", **labels) + 1
    )
    duration = {"route": route, "method": "GET"}
    assert value(after, "casustafel_http_request_duration_seconds_count", **duration) >= 1
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, "casustafel_http_requests_total", **unmatched) >= 1
    for personal in (f"/{case.id}", case.reference, table.chair.email, "Wildeboer", "/bestaat"):
        assert personal not in response.text


def test_a_rendered_pdf_is_timed_and_no_longer_in_progress(metrics_client: TestClient) -> None:
    before = scrape(metrics_client)
    pdf.pdf_of(f"<p>Meting {uuid.uuid4().hex}</p>")  # not rendered before: the cache misses
    after = scrape(metrics_client)

    count = "casustafel_pdf_render_seconds_count"
    assert value(after, count) == value(before, count) + 1
    assert value(after, "casustafel_pdf_render_seconds_sum") > value(
        before, "casustafel_pdf_render_seconds_sum"
    )
    assert value(after, "casustafel_pdf_renders_in_progress") == 0


RENDERING = """
import os, signal, sys
from app.ops import metrics
with metrics.pdf_rendering():
    print("bezig", flush=True)
    if sys.argv[1] == "gestopt":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.readline()
"""


def rendering_process(folder: Path, how: str) -> subprocess.Popen[str]:
    """A process of this serve in the middle of a PDF, once it says so."""
    process = subprocess.Popen(
        [sys.executable, "-c", RENDERING, how],
        env=os.environ | {PROCESS_FILES_VARIABLE: str(folder)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "bezig\n"
    return process


def test_a_render_of_a_process_killed_halfway_is_no_longer_in_progress(
    metrics_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "serve-8000"
    folder.mkdir()
    killed = rendering_process(folder, "gestopt")
    killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL  # as uvicorn does to a hung process
    busy = rendering_process(folder, "bezig")
    monkeypatch.setenv(PROCESS_FILES_VARIABLE, str(folder))
    engine = create_engine(metrics_settings.database_url)
    try:
        during = parse(exposition(engine, metrics_settings).decode())
    finally:
        busy.communicate("klaar\n", timeout=30)
    after = parse(exposition(engine, metrics_settings).decode())
    engine.dispose()

    # Neither process marked itself dead, so both files are left.
    assert len(list(folder.glob("gauge_livesum_*.db"))) == 2
    assert value(during, "casustafel_pdf_renders_in_progress") == 1
    assert value(after, "casustafel_pdf_renders_in_progress") == 0


def test_a_job_run_is_counted_by_its_name(
    metrics_client: TestClient, metrics_settings: Settings
) -> None:
    engine = create_engine(metrics_settings.database_url)
    before = scrape(metrics_client)
    for job in planning_jobs(engine, metrics_settings):
        job()
    engine.dispose()
    after = scrape(metrics_client)

    for name in ("keep_meetings_planned", "send_weekly_digests", "purge_past_retention"):
        runs = value(after, "casustafel_job_runs_total", job=name)
        assert runs == value(before, "casustafel_job_runs_total", job=name) + 1
        failures = value(after, "casustafel_job_failures_total", job=name)
        assert failures == value(before, "casustafel_job_failures_total", job=name)


def test_the_backlog_shows_queued_mail_and_a_failed_send_is_counted(
    metrics_client: TestClient, metrics_settings: Settings, session: Session
) -> None:
    for number in range(3):
        mail_service.enqueue(
            session, to=f"lid{number}@ggd.example", subject="Uitnodiging", body="Tot dinsdag."
        )
    session.commit()
    before = scrape(metrics_client)
    assert value(before, "casustafel_outbox_backlog_messages") == 3

    down = metrics_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port()})
    engine = create_engine(metrics_settings.database_url)
    assert deliver_due(engine, down) == 0
    engine.dispose()

    after = scrape(metrics_client)
    failures = "casustafel_outbox_send_failures_total"
    assert value(after, failures) == value(before, failures) + 3
    assert value(after, "casustafel_outbox_backlog_messages") == 3  # still waiting to be retried


def test_serve_with_two_processes_reports_the_sum_of_both(
    postgresql_url: str, tmp_path: Path
) -> None:
    port = free_port()
    folder = tmp_path / "metrics"
    env = os.environ | {
        "CASUSTAFEL_DATABASE_URL": postgresql_url,
        "CASUSTAFEL_BACKGROUND_JOBS": "false",
        "CASUSTAFEL_METRICS_TOKEN": TOKEN,
        "CASUSTAFEL_METRICS_DIR": str(folder),
    }
    own_folder = folder / f"serve-{port}"
    stale = own_folder / "counter_1.db"  # left by an earlier run: thrown away at start
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"niet van deze run")
    base_url = f"http://127.0.0.1:{port}"
    with subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            _wait_until_serving(base_url, server)
            statuses = login_pages_until_both_processes_answered(base_url, own_folder)
            totals = [scrape_login_pages(base_url) for _ in range(3)]
            per_process = login_pages_per_process(own_folder)
        finally:
            server.terminate()
            server.wait(timeout=20)

    assert set(statuses) == {200}
    # Each process counted only the pages it answered; whichever answered the scrape gave the sum.
    assert len(per_process) == 2 and all(per_process.values()), per_process
    assert totals == [sum(per_process.values())] * 3
    assert totals[0] >= len(statuses)


def test_the_figures_of_casustafel_worker_show_on_the_metrics_of_serve(
    postgresql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgresql_url)
    with Session(engine) as session:
        mail_service.enqueue(session, to="lid@ggd.example", subject="Uitnodiging", body="Tot dan.")
        session.commit()
    env = os.environ | {
        "CASUSTAFEL_DATABASE_URL": postgresql_url,
        "CASUSTAFEL_SMTP_HOST": "127.0.0.1",
        "CASUSTAFEL_SMTP_PORT": str(free_port()),  # nothing listens: every attempt fails
        "CASUSTAFEL_MAIL_INTERVAL_SECONDS": "0.2",
        "CASUSTAFEL_METRICS_DIR": str(tmp_path),
    }
    with subprocess.Popen([*CLI, "worker"], env=env, stdout=subprocess.DEVNULL) as worker:
        try:
            attempted = wait_for(lambda: send_attempts(engine) > 0, timeout=60)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    assert attempted
    # Read as a process of `casustafel serve` on port 8000 answers a scrape.
    serve_folder = tmp_path / "serve-8000"
    serve_folder.mkdir()
    monkeypatch.setenv(PROCESS_FILES_VARIABLE, str(serve_folder))
    settings = Settings(_env_file=None, metrics_dir=tmp_path)  # type: ignore[call-arg]
    samples = parse(exposition(engine, settings).decode())
    engine.dispose()

    assert value(samples, "casustafel_job_runs_total", job="keep_meetings_planned") == 1
    assert value(samples, "casustafel_job_runs_total", job="deliver_due") >= 1
    assert value(samples, "casustafel_outbox_send_failures_total") >= 1
    assert value(samples, "casustafel_outbox_backlog_messages") == 1


def send_attempts(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(OutboxMessage.attempts)).one()


def login_page(base_url: str) -> int:
    return httpx.get(f"{base_url}/inloggen", timeout=30).status_code


def scrape_login_pages(base_url: str) -> float:
    with httpx.Client(base_url=base_url) as client:
        return value(scrape(client), "casustafel_http_requests_total", **LOGIN_PAGE)


def login_pages_until_both_processes_answered(base_url: str, own_folder: Path) -> list[int]:
    """Login pages side by side on new connections, in rounds, until both processes answered
    some. The first answer to the start-up check may come before the second process listens."""
    statuses: list[int] = []
    deadline = time.monotonic() + 120
    with ThreadPoolExecutor(max_workers=8) as pool:
        while time.monotonic() < deadline:
            statuses += pool.map(lambda _: login_page(base_url), range(20))
            per_process = login_pages_per_process(own_folder)
            if len(per_process) >= 2 and all(per_process.values()):
                break
    return statuses


def login_pages_per_process(own_folder: Path) -> dict[str, float]:
    return {path.name: login_pages_counted_in(path) for path in own_folder.glob("counter_*.db")}


def login_pages_counted_in(process_file: Path) -> float:
    """What one process's own file holds: the login pages that process answered."""
    return sum(
        sample.value
        for family in MultiProcessCollector.merge([str(process_file)])
        for sample in family.samples
        if sample.name == "casustafel_http_requests_total" and sample.labels == LOGIN_PAGE
    )
