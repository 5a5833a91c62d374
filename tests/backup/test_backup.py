"""`casustafel backup` / `restore`: the demo comes back whole in an empty database (logging
intact, casussen readable, verslag unchanged), the file shows nothing in plain bytes, and a
wrong key, a damaged file or a newer version is refused without touching the database."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlmodel import Session, create_engine, select

from app.backup import archive
from app.backup.archive import Manifest
from app.config import DEVELOPMENT_BACKUP_KEY, Environment, Settings
from app.demo_cases import KEES
from app.main import create_app
from app.minutes.models import MinutesDocument, MinutesVersion
from app.users.models import User
from tests.cases.test_damaged import case_page
from tests.conftest import run_cli
from tests.factories import make_user
from tests.minutes.demo import DEMO_BSNS, DEMO_NAMES, DemoMinutes, minutes

__all__ = ["minutes"]

OTHER_KEY = "een-andere-back-upsleutel-dan-waarmee-hij-is-gemaakt"


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second database of the same kind, never migrated: where the backup goes back."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'teruggezet' / 'casustafel.db'}"
        return
    server = request.getfixturevalue("postgres")
    name = f"restore_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name}")
    yield server.url(name)
    server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    return tmp_path / "casustafel.backup"


def tables_in(database_url: str) -> list[str]:
    if database_url.startswith("sqlite:///") and not Path(database_url[10:]).exists():
        return []
    engine = create_engine(database_url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def stored_verslag(database_url: str) -> tuple[str, str]:
    """The vastgestelde version's stored hash and the SHA-256 of its stored PDF."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        version, document = session.exec(
            select(MinutesVersion, MinutesDocument).where(
                MinutesDocument.version_id == MinutesVersion.id
            )
        ).one()
        stored = (version.sha256, hashlib.sha256(document.content).hexdigest())
    engine.dispose()
    return stored


def emails_in(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    with Session(engine) as session:
        emails = set(session.exec(select(User.email)).all())
    engine.dispose()
    return emails


def test_the_demo_restored_into_an_empty_database_is_whole_and_the_file_shows_nothing(
    minutes: DemoMinutes, database_url: str, empty_url: str, backup_file: Path
) -> None:
    made = run_cli(database_url, "backup", str(backup_file))
    restored = run_cli(empty_url, "restore", str(backup_file))

    assert made.returncode == 0, made.stderr
    raw = backup_file.read_bytes()
    free_text = minutes.cases[0].reason
    for plain in [*DEMO_NAMES, *DEMO_BSNS, free_text, "dorpsveen.example"]:
        assert plain.encode() not in raw
    assert backup_file.stat().st_mode & 0o077 == 0
    assert restored.returncode == 0, restored.stderr
    assert "gestopt" in restored.stdout and "Bewaartermijnen uitgevoerd." in restored.stdout
    verified = run_cli(empty_url, "audit", "verify")
    assert verified.returncode == 0 and "De logging is intact" in verified.stdout
    sha256, of_bytes = stored_verslag(empty_url)
    assert sha256 == of_bytes == stored_verslag(database_url)[0]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url=empty_url,
        background_jobs=False,
    )
    application = create_app(settings)
    kees_case = next(case for case in minutes.cases if case.pseudonym == "Man met overlast, 60+")
    with TestClient(application, follow_redirects=False) as client:
        page = case_page(client, kees_case)
    application.state.engine.dispose()
    assert KEES.name in page and KEES.bsn in page


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path, monkeypatch: monkeypatch.setenv("CASUSTAFEL_BACKUP_KEY", OTHER_KEY),
        lambda path, monkeypatch: path.write_bytes(path.read_bytes()[:-1]),  # cut off
        lambda path, monkeypatch: path.write_bytes(path.read_bytes() + b"\0"),  # extended
        lambda path, monkeypatch: path.write_bytes(  # one bit flipped in the middle
            (raw := bytearray(path.read_bytes()))[: len(raw) // 2]
            + bytes([raw[len(raw) // 2] ^ 1])
            + raw[len(raw) // 2 + 1 :]
        ),
    ],
    ids=["wrong-key", "cut-off", "extended", "bit-flipped"],
)
def test_a_wrong_key_or_a_damaged_file_is_refused_and_the_database_left_alone(
    session: Session,
    database_url: str,
    empty_url: str,
    backup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    spoil: object,
) -> None:
    make_user(session)
    assert run_cli(database_url, "backup", str(backup_file)).returncode == 0
    spoil(backup_file, monkeypatch)  # type: ignore[operator]

    refused = run_cli(empty_url, "restore", str(backup_file))

    assert refused.returncode == 1
    assert "Niet teruggezet" in refused.stderr and "back-upsleutel" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert tables_in(empty_url) == []


def test_force_is_needed_to_overwrite_a_file_or_a_database_that_holds_data(
    session: Session, database_url: str, backup_file: Path
) -> None:
    first = make_user(session).email
    backup_file.write_bytes(b"een ander bestand")

    kept = run_cli(database_url, "backup", str(backup_file))
    forced = run_cli(database_url, "backup", str(backup_file), "--force")
    later = make_user(session).email
    refused = run_cli(database_url, "restore", str(backup_file))
    before_force = emails_in(database_url)
    restored = run_cli(database_url, "restore", str(backup_file), "--force")

    assert kept.returncode == 1 and "--force" in kept.stderr
    assert forced.returncode == 0, forced.stderr
    assert refused.returncode == 1 and "bevat al gegevens" in refused.stderr
    assert later in before_force
    assert restored.returncode == 0, restored.stderr
    assert first in emails_in(database_url)
    assert later not in emails_in(database_url)


def test_a_backup_of_a_newer_version_is_refused_naming_it(
    database_url: str, empty_url: str, backup_file: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"leeg")
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    manifest = Manifest(backend=backend, revision="9999_uit_de_toekomst")
    archive.seal(plain, backup_file, backup_key=DEVELOPMENT_BACKUP_KEY, manifest=manifest)

    refused = run_cli(empty_url, "restore", str(backup_file))

    assert refused.returncode == 1
    assert "nieuwere versie van Casustafel" in refused.stderr
    assert "9999_uit_de_toekomst" in refused.stderr
    assert tables_in(empty_url) == []


def test_production_refuses_to_back_up_with_the_development_key(
    database_url: str, backup_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASUSTAFEL_ENVIRONMENT", "production")

    refused = run_cli(database_url, "backup", str(backup_file))

    assert refused.returncode == 1 and "CASUSTAFEL_BACKUP_KEY" in refused.stderr
    assert not backup_file.exists()
