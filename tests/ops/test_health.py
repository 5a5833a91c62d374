"""/healthz and /readyz: what a load balancer and an operator see, and what they never get."""

import os
import signal

from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, text

from app import pdf
from app.cli import alembic_config
from app.config import Environment, Settings
from app.main import create_app
from tests.conftest import statements_of, statements_sent


def test_healthz_answers_without_the_database_or_a_cookie(app: FastAPI, client: TestClient) -> None:
    assert statements_of(app, lambda: client.get("/healthz")) == 0
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_readyz_answers_ok_with_one_statement_and_no_cookie(
    app: FastAPI, client: TestClient
) -> None:
    client.get("/readyz")  # the first connection may ask the server about itself
    sent = statements_sent(app, lambda: client.get("/readyz"))
    # SQLite's BEGIN IMMEDIATE aside, as every transaction in the app has it there.
    assert [s for s in sent if not s.startswith("BEGIN")] == [
        "SELECT version_num FROM alembic_version"
    ]
    response = client.get("/readyz")
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "renderer": "ok"},
    }
    assert "set-cookie" not in response.headers


def test_probes_write_no_audit_event(app: FastAPI, client: TestClient, session: Session) -> None:
    count = text("SELECT count(*) FROM audit_event")
    before = session.exec(count).one()
    client.get("/healthz")
    client.get("/readyz")
    assert session.exec(count).one() == before


def test_readyz_refuses_a_database_behind_the_newest_migration(settings: Settings) -> None:
    command.downgrade(alembic_config(settings.database_url), "-1")
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.get("/readyz")
    app.state.engine.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "migrations": "failed", "renderer": "ok"}
    assert "casustafel db upgrade" in body["message"]


def test_readyz_refuses_when_the_database_cannot_be_reached() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url="postgresql+psycopg://casustafel@127.0.0.1:9/niemand",
        background_jobs=False,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "failed",
        "migrations": "not checked",
        "renderer": "ok",
    }
    assert response.json()["message"] == "De database is niet bereikbaar of blijft bezet."


def test_readyz_notices_a_killed_renderer_and_the_next_pdf_starts_a_new_one(
    app: FastAPI, client: TestClient
) -> None:
    assert pdf._pool.run(len, "gestart") == 7
    [renderer] = pdf._pool._executor._processes.values()
    os.kill(renderer.pid, signal.SIGKILL)
    renderer.join(timeout=10)

    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["checks"]["renderer"] == "failed"
    assert "PDF" in down.json()["message"]

    assert pdf._pool.run(len, "opnieuw") == 7
    assert client.get("/readyz").status_code == 200
