"""The demo: Dorpsveen loads once into an empty database and refuses a real one."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import demo
from app.config import Settings
from app.security.crypto import CaseCrypto
from app.users.models import User
from tests.conftest import log_in
from tests.factories import make_user

CRYPTO = CaseCrypto.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


def test_every_demo_account_logs_in(session: Session, client: TestClient) -> None:
    assert demo.seed_demo(session, crypto=CRYPTO) is True

    for email, name, *_ in demo.DEMO_USERS:
        client.cookies.clear()
        log_in(client, email, demo.DEMO_PASSWORD)
        assert f"Welkom, {name}" in client.get("/").text


def test_seeding_twice_changes_nothing(session: Session) -> None:
    demo.seed_demo(session, crypto=CRYPTO)

    assert demo.seed_demo(session, crypto=CRYPTO) is False
    assert len(session.exec(select(User)).all()) == len(demo.DEMO_USERS)


def test_seed_refuses_a_database_with_real_accounts(session: Session) -> None:
    make_user(session, email="echte.medewerker@gemeente.example")

    with pytest.raises(demo.NotADemoDatabase):
        demo.seed_demo(session, crypto=CRYPTO)
    assert len(session.exec(select(User)).all()) == 1
