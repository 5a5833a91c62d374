"""What `serve` and `worker` refuse before they start, and what they warn about."""

from sqlalchemy.exc import DBAPIError

from app.config import (
    DEVELOPMENT_AUDIT_KEY,
    DEVELOPMENT_DATA_KEY,
    DEVELOPMENT_INDEX_KEY,
    DEVELOPMENT_SECRET_KEY,
    Environment,
    Settings,
    UnsafeConfiguration,
)
from app.db import make_engine
from app.ops.health import database_revision, head_revision

SQLITE_PROCESSES = (
    "Casustafel start niet met meer dan één serverproces op SQLite: SQLite laat één proces "
    "tegelijk schrijven en Casustafel regelt die beurt per proces, dus meerdere processen "
    "zouden elkaar laten wachten of ophouden. Start zonder --workers, of gebruik PostgreSQL "
    "(CASUSTAFEL_DATABASE_URL) voor meer processen."
)
SQLITE_WORKER = (
    "`casustafel worker` start niet op SQLite: daar doet het serverproces de achtergrondtaken "
    "zelf (CASUSTAFEL_BACKGROUND_JOBS staat standaard aan), en een tweede proces zou met "
    "SQLite om de schrijfbeurt moeten vechten. Gebruik PostgreSQL voor een aparte worker."
)
UNREACHABLE = "Casustafel start niet: de database is niet bereikbaar (CASUSTAFEL_DATABASE_URL)."
NOT_AT_HEAD = (
    "De database staat niet op de nieuwste versie. Voer eerst `casustafel db upgrade` uit."
)
DEVELOPMENT_KEYS = (
    "LET OP: Casustafel draait met de ontwikkelsleutels uit de broncode "
    "(CASUSTAFEL_ENVIRONMENT staat niet op production). Wie de broncode heeft, kan de "
    "persoonsgegevens ontsleutelen, sessies vervalsen en de logging herschrijven. Alleen "
    "geschikt voor een demo op deze machine; zet voor echt gebruik "
    "CASUSTAFEL_ENVIRONMENT=production en eigen sleutels (zie README)."
)
DEVELOPMENT_DEFAULTS = {
    DEVELOPMENT_SECRET_KEY,
    DEVELOPMENT_DATA_KEY,
    DEVELOPMENT_INDEX_KEY,
    DEVELOPMENT_AUDIT_KEY,
}


class StartRefused(Exception):
    """The process would not work as configured; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_serve(settings: Settings, *, workers: int) -> None:
    """Refuse to serve with several processes on SQLite, unsafe settings or an old database."""
    if workers > 1 and _on_sqlite(settings):
        raise StartRefused(SQLITE_PROCESSES)
    _check_settings_and_database(settings)


def check_worker(settings: Settings) -> None:
    """Refuse a separate worker on SQLite, with unsafe settings or on an old database."""
    if _on_sqlite(settings):
        raise StartRefused(SQLITE_WORKER)
    _check_settings_and_database(settings)


def development_keys_warning(settings: Settings) -> str | None:
    """The warning to shout when a development install runs on the keys from the source."""
    keys = {
        settings.secret_key,
        *settings.data_encryption_keys,
        settings.blind_index_key,
        settings.audit_key,
    }
    on_defaults = bool(keys & DEVELOPMENT_DEFAULTS)
    return (
        DEVELOPMENT_KEYS
        if settings.environment == Environment.DEVELOPMENT and on_defaults
        else None
    )


def _on_sqlite(settings: Settings) -> bool:
    return settings.database_url.startswith("sqlite")


def _check_settings_and_database(settings: Settings) -> None:
    try:
        settings.refuse_unsafe_production()
    except UnsafeConfiguration as exc:
        raise StartRefused(str(exc)) from exc
    engine = make_engine(settings.database_url, connections=1)
    try:
        with engine.connect() as connection:
            revision = database_revision(connection)
    except DBAPIError as exc:
        raise StartRefused(UNREACHABLE) from exc
    finally:
        engine.dispose()
    if revision != head_revision():
        raise StartRefused(NOT_AT_HEAD)
