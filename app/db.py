"""Database engine, naming convention, sessions and the one clock the app uses."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Path, Request
from sqlalchemy import Enum, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
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
# The largest id an `integer` column holds on PostgreSQL (SQLite's are larger, but one range
# for both keeps the two engines alike).
MAX_ROW_ID = 2_147_483_647
# A row id in a path: anything outside the column's range is a page that does not exist (404).
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


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
LAST_USED = "casustafel_last_used"
PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(database_url: str, connections: int = 20) -> Engine:
    """An engine for the URL; SQLite gets foreign keys, WAL and serialised write transactions.

    The pool keeps its connections: a request beyond that many waits for one to come back
    rather than opening (and then closing) a connection of its own, which costs more than the
    request itself."""
    url = make_url(database_url)
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    pool = {} if in_memory else {"pool_size": connections, "max_overflow": 0}
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": SQLITE_WAIT_SECONDS},
            **pool,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, hide_parameters=True, **pool)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """A connection that sat unused for a while is tested before use, and replaced if the
    server dropped it (a restart, a firewall's idle timeout). A connection that was just in
    use is not: pinging on every checkout costs a round trip per request."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get(LAST_USED)
        if last_used is None or time.monotonic() - last_used < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError from exc  # the pool retries with a new connection


def unreachable(error: BaseException) -> bool:
    """Whether the error says the database cannot be reached right now (stopped, restarting,
    the connection dropped, every connection busy) rather than that a request was wrong: the
    user gets "try again shortly", not a fault."""
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


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
    """One session per request, on the app's engine (also kept on the request, for what is
    written after the route's own use case: a confirmation waiting for the next page)."""
    with Session(request.app.state.engine) as session:
        request.state.db_session = session
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
