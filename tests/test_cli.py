"""The `casustafel` command: create-user makes an account that logs in; bad input saves nothing."""

import json
import os
import subprocess
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import demo
from app.cases.models import Case, CasePerson
from app.demo_cases import KEES
from app.users.models import User
from tests.cases.tokens import legacy, persons_of, store_as_v1, tampered
from tests.conftest import CLI, log_in, run_cli
from tests.e2e.conftest import _wait_until_serving
from tests.pg import free_port


def create_user(database_url: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    arguments = [
        "create-user",
        "--email",
        "nieuw@ggd.example",
        "--name",
        "Gert GGD",
        "--organisation",
        "GGD Dorpsveen",
        "--kind",
        "ggd",
        *extra,
    ]
    return run_cli(database_url, *arguments, stdin=f"{password}\n")


def test_create_user_makes_an_account_that_logs_in(
    database_url: str, session: Session, client: TestClient
) -> None:
    result = create_user(database_url, "een-sterk-wachtwoord", "--beheerder")

    assert result.returncode == 0, result.stderr
    user = session.exec(select(User).where(User.email == "nieuw@ggd.example")).one()
    assert user.is_admin and user.organisation.name == "GGD Dorpsveen"
    log_in(client, "nieuw@ggd.example", "een-sterk-wachtwoord")


def test_create_user_refuses_a_short_password_and_saves_nothing(
    database_url: str, session: Session
) -> None:
    result = create_user(database_url, "kort")

    assert result.returncode == 1
    assert "Niet aangemaakt" in result.stderr
    assert session.exec(select(User)).all() == []


def test_keys_rotate_rewrites_old_values_and_fails_on_what_does_not_open(
    database_url: str, session: Session, app: FastAPI
) -> None:
    crypto = app.state.crypto
    demo.seed_demo(session, crypto=crypto)
    kees_case = session.exec(select(Case).where(Case.pseudonym == "Man met overlast, 60+")).one()
    [kees] = persons_of(session, kees_case.id)
    store_as_v1(session, crypto.cipher, kees, KEES)
    other = session.exec(select(CasePerson).where(CasePerson.id != kees.id)).first()
    other.name_encrypted = tampered(legacy(crypto.cipher, "Iemand Anders", purpose="naam"))
    session.add(other)
    session.commit()

    result = run_cli(database_url, "keys", "rotate")

    assert result.returncode == 1
    assert "1 personen opnieuw versleuteld" in result.stdout
    assert "van 1 personen konden de gegevens niet worden gelezen" in result.stderr
    session.refresh(kees)
    assert crypto.cipher.is_current(kees.name_encrypted)


def test_serve_with_two_processes_answers_on_one_port(postgresql_url: str, tmp_path: Path) -> None:
    # Only on PostgreSQL: several processes on SQLite are refused (tests/ops/test_startup.py).
    port = free_port()
    env = os.environ | {
        "CASUSTAFEL_DATABASE_URL": postgresql_url,
        "CASUSTAFEL_BACKGROUND_JOBS": "false",
    }
    # The log on stdout; stderr has what the command says to whoever started it.
    with (tmp_path / "server.log").open("w") as log, (tmp_path / "server.err").open("w") as said:
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=said,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_serving(base_url, server)
            with httpx.Client(base_url=base_url) as client:
                pages = [client.get("/inloggen") for _ in range(3)]
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert "Inloggen" in pages[-1].text
    # Each process logs JSON lines, the access lines by route template.
    logged = [json.loads(line) for line in (tmp_path / "server.log").read_text().splitlines()]
    routes = [line["route"] for line in logged if "route" in line]
    assert len(routes) >= 3 and set(routes) == {"/inloggen"}
