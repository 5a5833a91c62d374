"""The demo's vastgestelde meeting for these tests, and an engine of their own for the purge
(as the worker and the command line have)."""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from app.db import make_engine
from tests.minutes.demo import minutes

__all__ = ["minutes"]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
