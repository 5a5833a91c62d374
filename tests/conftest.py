"""Fixtures: every test gets its own migrated database, on SQLite and on a real PostgreSQL."""

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, create_engine

from app.cli import alembic_config
from app.config import Environment, Settings
from app.main import create_app
from tests.pg import PostgresServer

BACKENDS = ["sqlite", "postgresql"]
CLI = [sys.executable, "-c", "from app.cli import main; main()"]
TEMPLATE_DATABASE = "casustafel_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; tests copy it."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run, with a migrated template database."""
    server = PostgresServer()
    server.start()
    server.execute(f"CREATE DATABASE {TEMPLATE_DATABASE}")
    command.upgrade(alembic_config(server.url(TEMPLATE_DATABASE)), "head")
    yield server
    server.stop()


def new_database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database of the backend, dropped afterwards."""
    if backend == "sqlite":
        path = tmp_path / "casustafel.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"test_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DATABASE}")
    yield server.url(name)
    server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    yield from new_database_url(request, request.param, tmp_path)


@pytest.fixture
def postgresql_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database on PostgreSQL only (for what SQLite refuses)."""
    yield from new_database_url(request, "postgresql", tmp_path)


def settings_for(database_url: str, **changes: Any) -> Settings:
    """The tests' settings on this database (nothing from the environment, no background jobs),
    with these settings changed."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url=database_url,
        secret_key="test-geheim-" + "x" * 32,
        background_jobs=False,
        **changes,
    )


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """The test's own view of the database: every statement commits at once, so the test never
    holds a lock or a stale snapshot while the app handles a request."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with Session(engine) as db_session:
        yield db_session
    engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_from(client: TestClient, path: str = "/inloggen") -> str:
    """The CSRF token a page hands out to this client."""
    match = CSRF_INPUT.search(client.get(path).text)
    assert match, f"geen CSRF-token op {path}"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str) -> None:
    """Log the client in through the login form; fails the test if that does not work."""
    response = client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 303, response.text


def run_cli(
    database_url: str, *arguments: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `casustafel ARGUMENTS` against the database, as an operator would."""
    env = os.environ | {"CASUSTAFEL_DATABASE_URL": database_url}
    return subprocess.run(
        [*CLI, *arguments], env=env, input=stdin, text=True, capture_output=True, check=False
    )


def count_statements(app: FastAPI, client: TestClient, path: str) -> int:
    """How many SQL statements one GET of the page costs (it must answer 200)."""
    return statements_of(app, lambda: client.get(path))


def statements_of(app: FastAPI, send: Callable[[], Response], status: int = 200) -> int:
    """How many SQL statements one request costs (it must answer `status`)."""
    return len(statements_sent(app, send, status))


def statements_sent(app: FastAPI, send: Callable[[], Response], status: int = 200) -> list[str]:
    """The SQL statements one request sends (it must answer `status`)."""
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(app.state.engine, "before_cursor_execute", listener)
    try:
        assert send().status_code == status
    finally:
        event.remove(app.state.engine, "before_cursor_execute", listener)
    return statements
