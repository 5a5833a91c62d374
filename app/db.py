"""Database engine, naming convention, sessions and the one clock the app uses."""

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from sqlalchemy import Enum, event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Today's date in the Netherlands: what covenant periods and meeting dates are counted in."""
    return datetime.now(AMSTERDAM).date()


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (SQLModel stores and returns timestamps in UTC)."""
    return datetime.now(UTC)


def string_enum(enum: type[StrEnum], length: int = 40) -> Enum:
    """An enum stored as its (Dutch) value in a plain VARCHAR: readable, no native enum type."""
    return Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def apply_update(record: SQLModel, changes: SQLModel) -> list[str]:
    """Copy the changes onto the record; the names of the fields that really changed."""
    values = changes.model_dump()
    changed = sorted(field for field, value in values.items() if getattr(record, field) != value)
    record.sqlmodel_update(values)
    return changed


SQLITE_WAIT_SECONDS = 15
HOLDS_TURN = "casustafel_holds_turn"


def make_engine(database_url: str) -> Engine:
    """An engine for the URL; SQLite gets foreign keys, WAL and serialised write transactions."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": SQLITE_WAIT_SECONDS},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(database_url, hide_parameters=True, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_WAIT_SECONDS * 1000}")
        cursor.close()

    # Every transaction takes the write lock up front. A deferred transaction that read first
    # and writes later fails outright (SQLITE_BUSY_SNAPSHOT) when another connection wrote in
    # between; taking the lock at BEGIN makes such transactions wait their turn instead.
    # Within this process they queue on a lock that wakes the next one at once; SQLite's own
    # busy handler (for other processes) polls with sleeps of up to 100 ms.
    turn = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not turn.acquire(timeout=SQLITE_WAIT_SECONDS):
            raise TimeoutError("De database is bezet; probeer het opnieuw.")
        connection.info[HOLDS_TURN] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _end_turn(connection)
            raise

    def _end_turn(connection: Any) -> None:
        if connection.info.pop(HOLDS_TURN, False):
            turn.release()

    event.listen(engine, "commit", _end_turn)
    event.listen(engine, "rollback", _end_turn)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, on the app's engine."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
