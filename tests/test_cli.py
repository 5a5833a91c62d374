"""The `casustafel` command: create-user makes an account that logs in; bad input saves nothing."""

import subprocess

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.users.models import User
from tests.conftest import log_in, run_cli


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
