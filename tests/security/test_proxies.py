"""Whose X-Forwarded-For / Forwarded is believed: only a proxy in CASUSTAFEL_TRUSTED_PROXIES's,
for the logging and the login throttle alike, however the app is started."""

from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select
from starlette.datastructures import Headers
from typer.testing import CliRunner

from app import cli
from app.audit import AuditEvent
from app.auth.service import LOCKED_OUT
from app.config import Settings
from app.main import create_app
from app.security.proxies import client_address_behind
from app.security.throttle import LoginAttempt
from tests.conftest import csrf_from
from tests.factories import PASSWORD, make_user

PROXIES = [ip_network("127.0.0.1"), ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("198.51.100.20", {"X-Forwarded-For": "203.0.113.9"}, "198.51.100.20"),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"),
        ("127.0.0.1", {"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 10.0.0.5"}, "203.0.113.9"),
        ("127.0.0.1", {"X-Forwarded-For": "10.0.0.7, 10.0.0.5"}, "10.0.0.7"),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9:4711"}, "203.0.113.9"),
        ("127.0.0.1", {"X-Forwarded-For": "kapot"}, "127.0.0.1"),
        (
            "127.0.0.1",
            {"Forwarded": 'for=192.0.2.60;proto=https, for="[2001:db8::17]:80"'},
            "2001:db8::17",
        ),
        (
            "127.0.0.1",
            {"Forwarded": "for=192.0.2.60", "X-Forwarded-For": "203.0.113.9"},
            "203.0.113.9",
        ),
        ("::ffff:127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"),
        ("127.0.0.1", {}, "127.0.0.1"),
        ("testclient", {"X-Forwarded-For": "203.0.113.9"}, "testclient"),
        (None, {"X-Forwarded-For": "203.0.113.9"}, "onbekend"),
    ],
)
def test_the_right_most_address_that_is_no_trusted_proxy_is_the_client(
    peer: str | None, headers: dict[str, str], expected: str
) -> None:
    assert client_address_behind(peer, Headers(headers), PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    headers = Headers({"X-Forwarded-For": "203.0.113.9"})

    assert client_address_behind("127.0.0.1", headers, []) == "127.0.0.1"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"login_max_failures_per_address": 3})


@contextmanager
def client_from(settings: Settings, peer: str, *, trusted: list[str]) -> Iterator[TestClient]:
    """A client connecting from `peer` to an app that trusts these proxies."""
    networks = [ip_network(proxy) for proxy in trusted]
    app = create_app(settings.model_copy(update={"trusted_proxies": networks}))
    try:
        with TestClient(app, follow_redirects=False, client=(peer, 40000)) as client:
            yield client
    finally:
        app.state.engine.dispose()


def attempt(client: TestClient, email: str, password: str, forwarded_for: str) -> Response:
    return client.post(
        "/inloggen",
        data={"email": email, "password": password, "csrf_token": csrf_from(client)},
        headers={"X-Forwarded-For": forwarded_for},
    )


def recorded_addresses(session: Session) -> set[str | None]:
    audited = session.exec(select(AuditEvent.client_address).where(AuditEvent.action == "inloggen"))
    attempts = session.exec(select(LoginAttempt.client_address))
    return set(audited) | set(attempts)


def test_forwarded_for_from_an_untrusted_client_is_ignored(
    settings: Settings, session: Session
) -> None:
    user = make_user(session)
    with client_from(settings, "198.51.100.20", trusted=["127.0.0.1"]) as client:
        for number in range(3):
            attempt(
                client, f"gok{number}@nergens.example", "fout-wachtwoord-123", f"203.0.113.{number}"
            )

        response = attempt(client, user.email, PASSWORD, "203.0.113.9")

    assert LOCKED_OUT in response.text
    assert recorded_addresses(session) == {"198.51.100.20"}


def test_forwarded_for_from_a_trusted_proxy_is_believed(
    settings: Settings, session: Session
) -> None:
    user = make_user(session)
    with client_from(settings, "127.0.0.1", trusted=["127.0.0.1"]) as client:
        for number in range(3):
            attempt(client, f"gok{number}@nergens.example", "fout-wachtwoord-123", "203.0.113.9")

        locked = attempt(client, user.email, PASSWORD, "203.0.113.9")
        elsewhere = attempt(client, user.email, PASSWORD, "198.51.100.7, 203.0.113.10")

    assert LOCKED_OUT in locked.text
    assert elsewhere.status_code == 303
    assert recorded_addresses(session) == {"203.0.113.9", "203.0.113.10"}
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last is not None and (last.action, last.client_address) == ("inloggen", "203.0.113.10")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_leaves_proxy_headers_to_the_app(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    started: dict[str, Any] = {}

    class FakeMultiprocess:
        def __init__(self, config: Any, sockets: Any) -> None:
            started["proxy_headers"] = config.proxy_headers

        def run(self) -> None:
            pass

    monkeypatch.setattr(cli.uvicorn, "run", lambda *_, **options: started.update(options))
    monkeypatch.setattr(cli, "Multiprocess", FakeMultiprocess)
    monkeypatch.setattr(cli, "_listening_socket", lambda *_: None)
    # What serve refuses before starting is tested in tests/ops/test_startup.py.
    monkeypatch.setattr(cli.startup, "check_serve", lambda *_, **__: None)

    result = CliRunner().invoke(cli.app, ["serve", "--workers", str(workers)])

    assert result.exit_code == 0, result.output
    assert started["proxy_headers"] is False
