"""The `casustafel` command: create-user makes an account that logs in; bad input saves nothing."""

import base64
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import demo
from app.cases.models import Case, CasePerson
from app.demo_cases import KEES
from app.factors.models import SecondFactor
from app.factors.service import PENDING_PURPOSE, SECRET_PURPOSE
from app.security.crypto import CaseCrypto, DataCipher
from app.security.sessions import UserSession
from app.users.models import User
from tests.auth.test_login import attempt
from tests.cases.tokens import legacy, persons_of, store_as_v1, tampered
from tests.conftest import CLI, csrf_from, log_in, run_cli
from tests.e2e.conftest import _wait_until_serving
from tests.factories import PASSWORD, make_user
from tests.factors.helpers import ADD_PAGE, code_for, enter_code, secret_on, set_up_authenticator
from tests.factors.test_login import log_out
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


def configure_keys(app: FastAPI, monkeypatch: pytest.MonkeyPatch, *keys: bytes) -> None:
    """Configure these data keys (newest last) for the app, as a restart would, and for the
    command."""
    app.state.crypto = CaseCrypto(cipher=DataCipher(keys), index_key=app.state.crypto.index_key)
    encoded = [base64.b64encode(key).decode() for key in keys]
    monkeypatch.setenv("CASUSTAFEL_DATA_ENCRYPTION_KEYS", json.dumps(encoded))


def test_keys_rotate_keeps_authenticator_apps_working_once_the_old_key_is_gone(
    database_url: str,
    session: Session,
    app: FastAPI,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = os.urandom(32), os.urandom(32)
    configure_keys(app, monkeypatch, old)
    user, setting_up = make_user(session), make_user(session)
    log_in(client, user.email, PASSWORD)
    secret = set_up_authenticator(client)
    log_out(client)
    with TestClient(app, follow_redirects=False) as other_browser:
        log_in(other_browser, setting_up.email, PASSWORD)
        scanned = secret_on(other_browser.get(ADD_PAGE).text)

        configure_keys(app, monkeypatch, old, new)
        result = run_cli(database_url, "keys", "rotate")
        configure_keys(app, monkeypatch, new)
        attempt(client, user.email, PASSWORD)
        second_step = enter_code(client, code_for(secret, steps_ahead=1))
        shown_again = secret_on(other_browser.get(ADD_PAGE).text)
        set_up = other_browser.post(
            ADD_PAGE,
            data={
                "label": "Telefoon",
                "code": code_for(scanned),
                "csrf_token": csrf_from(other_browser, ADD_PAGE),
            },
        )

    assert result.returncode == 0, result.stderr
    assert "0 personen opnieuw versleuteld" in result.stdout
    assert "1 authenticator-apps opnieuw versleuteld" in result.stdout
    assert second_step.status_code == 303 and second_step.headers["location"] == "/"
    assert shown_again == scanned and set_up.status_code == 303
    said = result.stdout + result.stderr
    assert secret not in said and scanned not in said


def test_keys_rotate_fails_while_an_authenticator_secret_does_not_open(
    database_url: str, session: Session, app: FastAPI, client: TestClient
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    secret = set_up_authenticator(client)
    secret_to_set_up = secret_on(client.get(ADD_PAGE).text)
    factor = session.exec(select(SecondFactor)).one()
    # Both under a key that is no longer configured, as after removing an old key too early.
    gone = DataCipher((os.urandom(32),))
    factor.secret = gone.encrypt(secret, purpose=SECRET_PURPOSE, row=str(factor.id))
    [user_session] = session.exec(select(UserSession)).all()
    user_session.pending_totp_secret = gone.encrypt(
        secret_to_set_up, purpose=PENDING_PURPOSE, row=user_session.id
    )
    session.add_all([factor, user_session])
    session.commit()

    result = run_cli(database_url, "keys", "rotate")

    assert result.returncode == 1
    assert "0 authenticator-apps opnieuw versleuteld" in result.stdout
    assert "1 authenticator-apps die nog werden ingesteld, waren niet te lezen" in result.stdout
    assert "van 1 authenticator-apps kon het geheim niet worden gelezen" in result.stderr
    assert "Verwijder geen oude sleutel" in result.stderr
    assert f"Authenticator-app {factor.id} van gebruiker {user.id}" in result.stderr  # the log
    said = result.stdout + result.stderr
    assert secret not in said and secret_to_set_up not in said
    session.refresh(user_session)
    assert user_session.pending_totp_secret is None


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
