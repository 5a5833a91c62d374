"""The demo: Dorpsveen loads once into an empty database and refuses a real one."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import demo
from app.users.models import User
from tests.conftest import log_in
from tests.factories import make_user


def test_every_demo_account_logs_in(session: Session, client: TestClient) -> None:
    assert demo.seed_demo(session) is True

    for email, name, *_ in demo.DEMO_USERS:
        client.cookies.clear()
        log_in(client, email, demo.DEMO_PASSWORD)
        assert f"Welkom, {name}" in client.get("/").text


def test_seeding_twice_changes_nothing(session: Session) -> None:
    demo.seed_demo(session)

    assert demo.seed_demo(session) is False
    assert len(session.exec(select(User)).all()) == len(demo.DEMO_USERS)


def test_seed_refuses_a_database_with_real_accounts(session: Session) -> None:
    make_user(session, email="echte.medewerker@gemeente.example")

    with pytest.raises(demo.NotADemoDatabase):
        demo.seed_demo(session)
    assert len(session.exec(select(User)).all()) == 1
