"""What `casustafel serve` and `casustafel worker` refuse at start-up, and what they shout."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command

from app.cli import alembic_config
from app.config import DEVELOPMENT_SECRET_KEY, Environment, Settings
from app.ops.startup import development_keys_warning
from tests.conftest import CLI, new_database_url
from tests.e2e.conftest import _wait_until_serving
from tests.pg import free_port

NOT_AT_HEAD = (
    "De database staat niet op de nieuwste versie. Voer eerst `casustafel db upgrade` uit."
)
DEVELOPMENT = {"CASUSTAFEL_ENVIRONMENT": "development", "CASUSTAFEL_BACKGROUND_JOBS": "false"}
OWN_SECRETS = {
    "CASUSTAFEL_SECRET_KEY": "s" * 40,
    "CASUSTAFEL_DATA_ENCRYPTION_KEYS": '["' + "QUFB" * 10 + "QUE=" + '"]',
    "CASUSTAFEL_BLIND_INDEX_KEY": "b" * 40,
    "CASUSTAFEL_AUDIT_KEY": "a" * 40,
}


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from new_database_url(request, "sqlite", tmp_path)


def casustafel(database_url: str, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command as an operator would, with these settings; it must stop by itself."""
    return subprocess.run(
        [*CLI, *arguments],
        env=os.environ | DEVELOPMENT | {"CASUSTAFEL_DATABASE_URL": database_url} | env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_serve_refuses_several_processes_on_sqlite(sqlite_url: str) -> None:
    result = casustafel(sqlite_url, "serve", "--workers", "2", "--port", str(free_port()))
    assert result.returncode == 1
    assert "niet met meer dan één serverproces op SQLite" in result.stderr
    assert "PostgreSQL" in result.stderr


def test_a_separate_worker_is_refused_on_sqlite(sqlite_url: str) -> None:
    result = casustafel(sqlite_url, "worker")
    assert result.returncode == 1
    assert "`casustafel worker` start niet op SQLite" in result.stderr


@pytest.mark.parametrize("arguments", [("serve", "--port", "0"), ("worker",)])
def test_serve_and_worker_refuse_a_database_behind_the_newest_migration(
    postgresql_url: str, arguments: tuple[str, ...]
) -> None:
    command.downgrade(alembic_config(postgresql_url), "-1")
    result = casustafel(postgresql_url, *arguments)
    assert result.returncode == 1
    assert NOT_AT_HEAD in result.stderr


def test_serve_refuses_an_empty_sqlite_database(tmp_path: Path) -> None:
    result = casustafel(f"sqlite:///{tmp_path / 'leeg.db'}", "serve", "--port", "0")
    assert result.returncode == 1
    assert NOT_AT_HEAD in result.stderr


@pytest.mark.parametrize("arguments", [("serve", "--port", "0"), ("worker",)])
def test_production_on_development_keys_is_refused(
    postgresql_url: str, arguments: tuple[str, ...]
) -> None:
    result = casustafel(postgresql_url, *arguments, CASUSTAFEL_ENVIRONMENT="production")
    assert result.returncode == 1
    assert "Casustafel start niet in productie met standaardgeheimen" in result.stderr
    assert "CASUSTAFEL_AUDIT_KEY" in result.stderr


def test_the_development_keys_are_warned_about_only_in_development() -> None:
    def settings(**values: object) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    assert "ontwikkelsleutels" in (development_keys_warning(settings()) or "")
    own = {
        "secret_key": "s" * 40,
        "data_encryption_keys": ["QUFB" * 10 + "QUE="],
        "blind_index_key": "b" * 40,
        "audit_key": "a" * 40,
    }
    assert development_keys_warning(settings(**own)) is None
    with_one_default = settings(**own | {"secret_key": DEVELOPMENT_SECRET_KEY})
    assert development_keys_warning(with_one_default) is not None
    assert development_keys_warning(settings(environment=Environment.TEST)) is None


@pytest.mark.parametrize(("demo", "warned"), [((), True), (("--demo",), False)])
def test_serve_shouts_about_development_keys_unless_started_as_the_demo(
    sqlite_url: str, tmp_path: Path, demo: tuple[str, ...], warned: bool
) -> None:
    port = free_port()
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as log:
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), *demo],
            env=os.environ | DEVELOPMENT | {"CASUSTAFEL_DATABASE_URL": sqlite_url},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_until_serving(f"http://127.0.0.1:{port}", server)
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert ready.status_code == 200
    assert ("LET OP: Casustafel draait met de ontwikkelsleutels" in stderr.read_text()) is warned
