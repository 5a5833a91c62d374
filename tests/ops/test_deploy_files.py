"""The deployment files in deploy/ and the Containerfile say what the app needs and nothing else."""

import configparser
import os
import re
import shutil
import subprocess

import pytest

from app.config import PROJECT_ROOT, Environment, Settings, UnsafeConfiguration
from app.mail.sender import SMTP_TIMEOUT
from app.static_files import BUILD_MANIFEST

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = {"casustafel-serve.service": "serve", "casustafel-worker.service": "worker"}
ENV_EXAMPLE = DEPLOY / "casustafel.env.example"
SETTING_LINE = re.compile(r"^#?\s*CASUSTAFEL_(\w+)=", re.MULTILINE)
# What an operator must decide on every server, besides the secrets start-up refuses without.
OPERATOR_SETTINGS = {
    "environment",
    "database_url",
    "backup_key",
    "base_url",
    "trusted_proxies",
    "allowed_origins",
    "smtp_host",
    "mail_from",
    "background_jobs",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
@pytest.mark.parametrize("name", UNITS)
def test_systemd_accepts_the_unit(name: str) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(DEPLOY / name)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    # The one complaint expected off a server: the venv the unit starts is not installed here.
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "/opt/casustafel/.venv/bin/casustafel is not executable" not in line
    ]
    assert complaints == []


@pytest.mark.parametrize(("name", "command"), UNITS.items())
def test_unit_runs_its_command_hardened_and_stops_gracefully(name: str, command: str) -> None:
    service = unit(name)["Service"]
    assert service["ExecStart"].split()[1] == command
    assert service["User"] == "casustafel"
    assert service["EnvironmentFile"] == "/etc/casustafel/casustafel.env"
    assert (service["NoNewPrivileges"], service["ProtectSystem"], service["PrivateTmp"]) == (
        "yes",
        "strict",
        "yes",
    )
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    # Long enough for the worker to finish the mail it is sending when systemd stops it.
    assert int(service["TimeoutStopSec"]) > SMTP_TIMEOUT
    assert "ExecStartPre" not in service  # migrations are a deploy step, never a restart's


def test_env_example_names_only_real_settings() -> None:
    named = SETTING_LINE.findall(ENV_EXAMPLE.read_text())
    assert named
    assert [name for name in named if name.lower() not in Settings.model_fields] == []


def test_env_example_has_every_setting_production_refuses_to_start_without() -> None:
    unsafe = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.PRODUCTION,
        secret_key="",
        data_encryption_keys=[],
        blind_index_key="",
        audit_key="",
    )
    with pytest.raises(UnsafeConfiguration) as refusal:
        unsafe.refuse_unsafe_production()
    required = {name.lower() for name in re.findall(r"CASUSTAFEL_(\w+)", str(refusal.value))}
    named = {name.lower() for name in SETTING_LINE.findall(ENV_EXAMPLE.read_text())}
    assert required | OPERATOR_SETTINGS <= named


def test_env_example_reads_as_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as a .env file: unquoted, the JSON lists are taken literally (by systemd and podman
    too), and every value is valid."""
    for variable in [name for name in os.environ if name.startswith("CASUSTAFEL_")]:
        monkeypatch.delenv(variable)
    settings = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    assert settings.environment == Environment.PRODUCTION
    assert [str(network) for network in settings.trusted_proxies] == ["127.0.0.1/32", "::1/128"]
    assert settings.allowed_origins == ["https://casustafel.gemeente.example"]
    assert settings.background_jobs is False


def test_image_installs_the_production_lock_with_hashes_and_runs_as_a_user() -> None:
    containerfile = (PROJECT_ROOT / "Containerfile").read_text()
    assert re.search(r"pip install --require-hashes .*-r /tmp/production\.txt", containerfile)
    assert "COPY requirements/production.txt /tmp/production.txt" in containerfile
    users = re.findall(r"^USER\s+(\S+)", containerfile, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert '\nENTRYPOINT ["casustafel"]\n' in containerfile


def test_image_holds_what_the_app_reads_at_run_time() -> None:
    """Without the build manifest the server in the image cannot start (it picks compressed
    copies by it); templates, static files and migrations are read beside app/ too."""
    containerfile = (PROJECT_ROOT / "Containerfile").read_text()
    ignored = (PROJECT_ROOT / ".containerignore").read_text().splitlines()
    copied = {
        source
        for line in containerfile.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    }
    for path in ("app", "templates", "static", "migrations", "alembic.ini", BUILD_MANIFEST):
        assert path in copied, path
        assert f"!{path}/" in ignored or f"!{path}" in ignored, path
