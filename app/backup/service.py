"""Backup and restore of the whole database: SQLite through its online backup API, PostgreSQL
through pg_dump / pg_restore (custom format); the file is encrypted with the backup key, and
the plain copy only ever lives in a private temporary folder that is removed afterwards."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from app.backup import archive
from app.backup.archive import Manifest
from app.config import DEVELOPMENT_BACKUP_KEY, Environment, Settings
from app.db import make_engine
from app.errors import DomainError
from app.ops.health import database_revision


class BackupRefused(DomainError):
    """The backup or restore cannot be done as asked; nothing was written."""


def _backend(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


def _sqlite_path(database_url: str) -> Path:
    return Path(make_url(database_url).database or "")


def _backup_key(settings: Settings) -> str:
    in_production = settings.environment == Environment.PRODUCTION
    if not settings.backup_key or (
        in_production
        and (settings.backup_key == DEVELOPMENT_BACKUP_KEY or len(settings.backup_key) < 32)
    ):
        raise BackupRefused(
            "Zet CASUSTAFEL_BACKUP_KEY op een eigen geheime waarde van minstens 32 tekens, "
            "bewaard buiten de database en haar back-ups; zonder die sleutel is een back-up "
            "niet terug te zetten."
        )
    return settings.backup_key


@contextmanager
def _private_folder() -> Iterator[Path]:
    """A folder only this user can read, for the plain copy; removed whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="casustafel-backup-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(
            f"{name} is niet gevonden. Installeer de PostgreSQL-clientprogramma's van dezelfde "
            "hoofdversie als de server (Debian: postgresql-client) en zet ze op het PATH."
        )
    return found


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump reads it, with the password in the environment (never on the
    command line, where any local user sees it)."""
    url: URL = make_url(database_url)
    env = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(arguments: list[str], env: dict[str, str], failed: str) -> None:
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{failed}: {done.stderr.strip()}")


def current_revision(database_url: str) -> str | None:
    """The Alembic revision the database is at (None: not migrated at all)."""
    engine = make_engine(database_url, connections=1)
    try:
        with engine.connect() as connection:
            return database_revision(connection)
    finally:
        engine.dispose()


def make_backup(*, settings: Settings, target: Path, force: bool) -> Manifest:
    """Write an encrypted backup of the configured database to target."""
    key = _backup_key(settings)
    if target.exists() and not force:
        raise BackupRefused(
            f"{target} bestaat al; kies een nieuwe naam of overschrijf met --force."
        )
    url = settings.database_url
    if _backend(url) == "sqlite" and not _sqlite_path(url).exists():
        raise BackupRefused(f"De database {_sqlite_path(url)} bestaat niet.")
    manifest = Manifest(backend=_backend(url), revision=current_revision(url))
    with _private_folder() as folder:
        plain = folder / "database"
        if manifest.backend == "sqlite":
            _copy_sqlite(_sqlite_path(url), plain)
        else:
            address, env = _libpq(url)
            arguments = [_program("pg_dump"), "--format=custom", f"--file={plain}", address]
            _run(arguments, env, "pg_dump is mislukt")
        # Written beside the target and then renamed: a failed backup leaves no half file.
        partial = target.with_name(f".{target.name}.deels")
        try:
            archive.seal(plain, partial, backup_key=key, manifest=manifest)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database into another through the online backup API (consistent while
    the app writes, and aware of the write-ahead log)."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def holds_data(database_url: str) -> bool:
    """Whether the database has any account (a migrated but unused database does not)."""
    if _backend(database_url) == "sqlite" and not _sqlite_path(database_url).exists():
        return False
    engine = make_engine(database_url, connections=1)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("app_user"):
                return False
            return connection.exec_driver_sql("SELECT 1 FROM app_user LIMIT 1").first() is not None
    finally:
        engine.dispose()


def _check_revision(manifest: Manifest, script: ScriptDirectory) -> None:
    """Refuse a backup made by a newer Casustafel (its schema is unknown to this code)."""
    if manifest.revision is None:
        return
    try:
        script.get_revision(manifest.revision)
    except CommandError as exc:
        raise BackupRefused(
            f"Deze back-up is gemaakt met een nieuwere versie van Casustafel (databaseversie "
            f"{manifest.revision}); deze versie kent ten hoogste {script.get_current_head()}. "
            "Installeer eerst de versie van Casustafel waarmee de back-up is gemaakt (of nieuwer)."
        ) from exc


def restore_backup(
    *, settings: Settings, source: Path, force: bool, script: ScriptDirectory
) -> Manifest:
    """Put the backup's database in place of the configured one (decrypted and checked first,
    so a wrong key or a damaged file leaves the database as it was)."""
    key = _backup_key(settings)
    if not source.is_file():
        raise BackupRefused(f"{source} bestaat niet.")
    url = settings.database_url
    manifest = archive.read_manifest(source)
    if manifest.backend != _backend(url):
        raise BackupRefused(
            f"Dit is een back-up van een {manifest.backend}-database; de ingestelde database is "
            f"{_backend(url)}. Zet hem terug in een database van dezelfde soort."
        )
    _check_revision(manifest, script)
    if not force and holds_data(url):
        raise BackupRefused(
            "De database bevat al gegevens; terugzetten vervangt ze allemaal. Gebruik --force "
            "als dat de bedoeling is."
        )
    with _private_folder() as folder:
        plain = folder / "database"
        manifest = archive.unseal(source, plain, backup_key=key)
        if manifest.backend == "sqlite":
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_sqlite(plain, target)
        else:
            address, env = _libpq(url)
            arguments = [
                _program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={address}",
                str(plain),
            ]
            _run(arguments, env, "pg_restore is mislukt; de database is niet gewijzigd")
    return manifest
