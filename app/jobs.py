"""Background work: keep a year of meetings planned, remind of deadlines, tasks and late
verslagen, deliver the outbox, purge what is past its bewaartermijn.

Every job is safe to run in several app processes at once (claims and unique keys in the
database decide who does what), so each process may simply run them all.
"""

import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import today, utcnow
from app.mail.sender import run_worker
from app.ops import metrics
from app.overleg import service as planning_service
from app.overleg.invitations import MailContext
from app.overleg.models import MeetingSeries
from app.reminders import service as reminder_service
from app.retention import housekeeping, purge

logger = logging.getLogger("casustafel.jobs")
PLANNING_INTERVAL = 3600.0
RETENTION_INTERVAL = 24 * 3600.0


def keep_meetings_planned(engine: Engine) -> int:
    """Add the meetings that have come within the twelve-month horizon."""
    with Session(engine) as session:
        return sum(
            planning_service.extend_meetings(session, series=series, today=today())
            for series in session.exec(select(MeetingSeries)).all()
        )


def send_deadline_reminders(engine: Engine, settings: Settings) -> int:
    """Put the agenda-deadline reminders that are due in the outbox."""
    with Session(engine) as session:
        return planning_service.enqueue_deadline_reminders(
            session, today=today(), mail=MailContext.of(settings)
        )


def send_weekly_digests(engine: Engine, settings: Settings) -> int:
    """On the digest weekday, put each person's weekly digest of their tasks in the outbox."""
    with Session(engine) as session:
        return reminder_service.enqueue_weekly_digests(
            session, today=today(), weekday=settings.digest_weekday, mail=MailContext.of(settings)
        )


def send_minutes_reminders(engine: Engine, settings: Settings) -> int:
    """Remind chairs and secretaries of the verslagen not vastgesteld within the target."""
    with Session(engine) as session:
        return reminder_service.enqueue_minutes_reminders(
            session,
            today=today(),
            target_working_days=settings.minutes_target_working_days,
            mail=MailContext.of(settings),
        )


def purge_past_retention(engine: Engine, settings: Settings) -> int:
    """Delete what is past its bewaartermijn (each casus and version claimed in the database),
    then clear what only grows: ended sessions, old login attempts and mail, spent links."""
    removed = len(purge.run(engine, today=today()))
    with Session(engine) as session:
        housekeeping.clean_up(session, now=utcnow(), settings=settings)
    return removed


def _at_most_every(
    seconds: float, job: Callable[..., object], *arguments: object
) -> Callable[[], object]:
    """The job, run (and counted in the metrics under its function's name) at most so often."""
    counted = metrics.counted_job(job.__name__, functools.partial(job, *arguments))
    # Not 0.0: the monotonic clock starts at boot, so a machine up for less than `seconds`
    # would otherwise skip the first run.
    last_run = float("-inf")

    def maybe_run() -> object:
        nonlocal last_run
        if time.monotonic() - last_run < seconds:
            return None
        last_run = time.monotonic()
        return counted()

    maybe_run.__qualname__ = job.__name__  # the name a failure is logged under
    return maybe_run


def planning_jobs(engine: Engine, settings: Settings) -> list[Callable[[], object]]:
    """The periodic jobs: planning and reminders at most once an hour, the purge once a day."""
    return [
        _at_most_every(PLANNING_INTERVAL, keep_meetings_planned, engine),
        _at_most_every(PLANNING_INTERVAL, send_deadline_reminders, engine, settings),
        _at_most_every(PLANNING_INTERVAL, send_weekly_digests, engine, settings),
        _at_most_every(PLANNING_INTERVAL, send_minutes_reminders, engine, settings),
        _at_most_every(RETENTION_INTERVAL, purge_past_retention, engine, settings),
    ]


def work(engine: Engine, settings: Settings, stop: threading.Event) -> None:
    """Run the jobs and the mail delivery until stopped."""
    run_worker(
        engine,
        settings,
        stop=stop,
        interval=settings.mail_interval_seconds,
        jobs=planning_jobs(engine, settings),
    )


@asynccontextmanager
async def background_jobs(app: FastAPI) -> AsyncIterator[None]:
    """App lifespan: a worker thread beside the web server, when the settings ask for it."""
    settings: Settings = app.state.settings
    if not settings.background_jobs:
        yield
        return
    stop = threading.Event()
    worker = threading.Thread(
        target=work, args=(app.state.engine, settings, stop), name="casustafel-jobs", daemon=True
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=10)
