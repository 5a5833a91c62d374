"""The connection pool: connections are kept, and one the server dropped while it sat idle is
replaced before anybody's request uses it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app import db
from app.db import make_engine
from tests.conftest import new_database_url
from tests.pg import PostgresServer


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in new_database_url(request, "postgresql", tmp_path):
        engine = make_engine(url, connections=1)
        yield engine
        engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_dropped_while_idle_is_replaced_before_use(
    engine: Engine, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped = backend_pid(engine)
    postgres.execute(f"SELECT pg_terminate_backend({dropped})")
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)

    assert backend_pid(engine) != dropped


def test_the_pool_keeps_its_connections(engine: Engine) -> None:
    first = backend_pid(engine)
    assert [backend_pid(engine) for _ in range(3)] == [first] * 3
