"""Benchmark of the beleidsinformatie dashboard (make bench): median and p95 of
app.statistics.queries.dashboard() on SQLite and PostgreSQL, and the SQL statements per call.

Five years of one municipality (tests/benchmarks/dashboard_seed.py): 3 overleggen, 300
meetings, 20,000 casussen, 100,000 tasks. Goal: p95 below 300 ms for every overleg and period,
with the aggregation in SQL: the number of statements is the same whatever the period. Each line
also names the figure whose statement took longest (its median). The page /beleidsinformatie is
timed too when the app has it.

After seeding, PostgreSQL is vacuumed and analysed, as its autovacuum does in production (and
would otherwise do in the middle of the measurement); SQLite is not analysed, as the app does not
(without statistics SQLite picks the dashboard's indexes by their columns, which suits every
period and overleg; with them it may prefer a plain table scan for a single overleg).
"""

import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from alembic import command
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func
from sqlmodel import Session, col, select

from app.cases.models import Case
from app.cli import alembic_config
from app.config import Environment, Settings
from app.db import today, utcnow
from app.main import create_app
from app.overleg.models import Meeting, MeetingSeries
from app.statistics.queries import dashboard
from app.tasks.models import Task
from tests.benchmarks.dashboard_seed import Municipality, seed
from tests.conftest import log_in
from tests.factories import PASSWORD
from tests.pg import PostgresServer

RUNS = 30
WARM_UP = 3
GOAL_MS = 300
PAGE = "/beleidsinformatie"
# The statements dashboard() sends, in order (SQLite's BEGIN IMMEDIATE left out).
FIGURES = (
    "casussen per maand",
    "opgeschaald, categorie en urgentie",
    "casussen per organisatie",
    "doorlooptijd",
    "open casussen naar leeftijd",
    "herhaalde bespreking",
    "gehouden bijeenkomsten",
    "aanwezigheid",
    "acties per organisatie",
)


def months_back(months: int, day: date) -> date:
    """The first of the month `months - 1` months before the month of `day`."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Call:
    elapsed: float  # ms
    statements: list[float]  # ms per statement sent, BEGIN left out


def counted(engine: Engine, call: Callable[[], object]) -> Call:
    """How long one call takes and how long each SQL statement it sends took (ms)."""
    statements: list[float] = []
    started_at: list[float] = []

    def before(_c: object, _cur: object, statement: str, *args: object) -> None:
        started_at.append(time.perf_counter())

    def after(_c: object, _cur: object, statement: str, *args: object) -> None:
        took = (time.perf_counter() - started_at.pop()) * 1000
        if not statement.startswith("BEGIN"):
            statements.append(took)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return Call(elapsed, statements)


def measure(engine: Engine, series_ids: Sequence[int], months: int) -> list[Call]:
    """The dashboard for these overleggen over the last `months` months, each call in a fresh
    session (nothing cached between calls)."""
    settings = Settings(_env_file=None)

    def call() -> object:
        with Session(engine) as session:
            return dashboard(
                session,
                series_ids=series_ids,
                first_month=months_back(months, today()),
                last_month=months_back(1, today()),
                today=today(),
                min_count=settings.statistics_min_count,
                target_working_days=settings.minutes_target_working_days,
            )

    for _ in range(WARM_UP):
        call()
    return [counted(engine, call) for _ in range(RUNS)]


def report(label: str, runs: list[Call], figures: Sequence[str] = ()) -> None:
    samples = [run.elapsed for run in runs]
    p95 = statistics.quantiles(samples, n=20)[-1]
    verdict = "gehaald" if p95 < GOAL_MS else "NIET gehaald"
    counts = "/".join(str(count) for count in sorted(statement_counts(runs)))
    print(  # noqa: T201
        f"  {label:<32} mediaan {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms   "
        f"(doel p95 < {GOAL_MS} ms: {verdict})   {counts} SQL-statements per keer"
        + slowest(runs, figures)
    )


def statement_counts(runs: list[Call]) -> set[int]:
    return {len(run.statements) for run in runs}


def slowest(runs: list[Call], figures: Sequence[str]) -> str:
    """The figure whose statement took longest, by its median over the runs."""
    if not figures or statement_counts(runs) != {len(figures)}:
        return ""
    medians = [statistics.median(run.statements[n] for run in runs) for n in range(len(figures))]
    worst = max(range(len(figures)), key=medians.__getitem__)
    return f"; traagst: {figures[worst]} ({medians[worst]:.1f} ms)"


def measure_page(app: FastAPI, municipality: Municipality) -> None:
    """The page as the beheerder loads it, when the app has it."""
    if not any(route.path == PAGE for route in iter_route_contexts(app.routes)):
        print(f"  {PAGE:<32} overgeslagen: de app heeft deze pagina nog niet")  # noqa: T201
        return
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, municipality.admin_email, PASSWORD)

        def call() -> None:
            assert client.get(PAGE).status_code == 200

        for _ in range(WARM_UP):
            call()
        runs = [counted(app.state.engine, call) for _ in range(RUNS)]
    report(f"pagina {PAGE}", runs)


def seeded_rows(engine: Engine) -> str:
    """What the database holds, counted: the figures are about this."""
    with Session(engine) as session:
        series, held, cases, tasks = (
            session.exec(select(func.count()).select_from(model).where(*where)).one()
            for model, where in (
                (MeetingSeries, ()),
                (Meeting, (col(Meeting.starts_at) < utcnow(),)),
                (Case, ()),
                (Task, ()),
            )
        )
    held, cases, tasks = (f"{count:,}".replace(",", ".") for count in (held, cases, tasks))
    return f"{series} overleggen, {held} bijeenkomsten in 5 jaar, {cases} casussen, {tasks} taken"


def run(database_url: str, name: str) -> None:
    command.upgrade(alembic_config(database_url), "head")
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,  # type: ignore[call-arg]
        background_jobs=False,
    )
    app = create_app(settings)
    started = time.perf_counter()
    with Session(app.state.engine) as session:
        municipality = seed(session, random.Random(1))
    seeded = time.perf_counter() - started
    if app.state.engine.dialect.name == "postgresql":
        with app.state.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
    print(f"{name}: {seeded_rows(app.state.engine)} (gevuld in {seeded:.0f} s)")  # noqa: T201
    everything, one = municipality.series_ids, municipality.series_ids[:1]
    per_period: dict[str, set[int]] = {}
    for label, series_ids in (("alle overleggen", everything), ("één overleg", one)):
        for months in (12, 60):
            runs = measure(app.state.engine, series_ids, months)
            report(f"{label}, {months} maanden", runs, FIGURES)
            per_period.setdefault(label, set()).update(statement_counts(runs))
    same = all(len(counts) == 1 for counts in per_period.values())
    print(  # noqa: T201
        "  aantal SQL-statements gelijk voor elke periode: " + ("ja" if same else "NEE")
    )
    measure_page(app, municipality)
    app.state.engine.dispose()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="casustafel-bench-"))
    try:
        run(f"sqlite:///{folder / 'bench.db'}", "SQLite")
        server = PostgresServer()
        server.start()
        try:
            server.execute("CREATE DATABASE bench")
            run(server.url("bench"), "PostgreSQL")
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("CASUSTAFEL_BACKGROUND_JOBS", "false")
    main()
