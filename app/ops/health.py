"""/healthz (the process answers) and /readyz (it can serve: database, migrations, renderer),
answered before sessions, CSRF and audit: no cookie, no personal data, one SQL statement."""

from functools import lru_cache
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app import pdf
from app.config import PROJECT_ROOT

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
PROBE_METHODS = ("GET", "HEAD")
OK = "ok"
FAILED = "failed"
NOT_CHECKED = "not checked"
# For the operator reading the probe's answer (the keys stay English for the monitoring).
FAILURE_MESSAGES = {
    "database": "De database is niet bereikbaar of blijft bezet.",
    "migrations": "De database staat niet op de nieuwste versie. Voer `casustafel db upgrade` uit.",
    "renderer": "Het proces dat PDF's maakt, draait niet; de volgende PDF start een nieuw proces.",
}


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration in migrations/ (read once per process)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    return ScriptDirectory.from_config(config).get_current_head()


def database_revision(connection: Connection) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table: an empty database
        return None


def readiness(engine: Engine) -> dict[str, str]:
    """Each check's outcome: database reachable, at the head revision, renderer alive."""
    checks = {"database": NOT_CHECKED, "migrations": NOT_CHECKED}
    try:
        with engine.connect() as connection:
            checks["database"] = OK
            at_head = database_revision(connection) == head_revision()
            checks["migrations"] = OK if at_head else FAILED
    except (DBAPIError, TimeoutError):  # TimeoutError: SQLite's write turn never came
        checks["database"] = FAILED
    checks["renderer"] = OK if pdf.renderer_alive() else FAILED
    return checks


def readiness_response(engine: Engine) -> JSONResponse:
    """200 when every check passed, else 503 naming the failed checks."""
    checks = readiness(engine)
    failed = [name for name, outcome in checks.items() if outcome == FAILED]
    body: dict[str, Any] = {"status": "unavailable" if failed else OK, "checks": checks}
    if failed:
        body["message"] = " ".join(FAILURE_MESSAGES[name] for name in failed)
    return _probe_answer(body, status_code=503 if failed else 200)


def _probe_answer(body: dict[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


class HealthEndpoints:
    """Answers the probes itself, so they pass no session, CSRF, flash or audit code."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path")
        if scope["type"] != "http" or scope["method"] not in PROBE_METHODS:
            await self.app(scope, receive, send)
        elif path == HEALTH_PATH:
            await _probe_answer({"status": OK})(scope, receive, send)
        elif path == READY_PATH:
            engine = scope["app"].state.engine
            response = await run_in_threadpool(readiness_response, engine)
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)
