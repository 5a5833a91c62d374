"""The operational log: JSON lines with a request id and an access line per request, and
nothing in them that names a person or repeats what they sent."""

import io
import json
import logging
import os
import subprocess
from collections.abc import Callable, Iterator
from ipaddress import ip_network
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app import logs
from tests.conftest import CLI, log_in
from tests.factories import PASSWORD, make_user

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """What the app's loggers write while the test runs, through the real formatter, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    app_logger = logging.getLogger("casustafel")
    level = app_logger.level
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    app_logger.removeHandler(handler)
    app_logger.setLevel(level)


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "casustafel.access"]


BSN = "999990111"
ADDRESS = "kees@voorbeeld.example"


def _fail(request: Request) -> PlainTextResponse:
    raise ValueError(f"BSN {BSN} van {ADDRESS}")


def _ok(request: Request) -> PlainTextResponse:
    logging.getLogger("casustafel.test").info("binnen het verzoek")
    return PlainTextResponse("ok")


@pytest.fixture
def small_app() -> TestClient:
    """A bare app behind the middleware: a route that logs and one that fails."""
    app = Starlette(
        routes=[
            Route("/zaken/{case_id}", _ok),
            Route("/fout", _fail),
        ]
    )
    wrapped = logs.RequestLogMiddleware(app, trusted_proxies=[ip_network("10.0.0.0/8")])
    return TestClient(wrapped, raise_server_exceptions=False)


def test_a_line_holds_time_in_utc_level_logger_and_message(log_lines: LogLines) -> None:
    logging.getLogger("casustafel.test").warning("Bericht %s niet verzonden", 7)

    (line,) = log_lines()
    assert line["level"] == "WARNING"
    assert line["logger"] == "casustafel.test"
    assert line["message"] == "Bericht 7 niet verzonden"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    assert "request_id" not in line


def test_access_line_has_route_template_status_duration_and_no_path_or_query(
    small_app: TestClient, log_lines: LogLines
) -> None:
    response = small_app.get("/zaken/4711?token=geheim-uit-de-link")

    assert response.status_code == 200
    (inside, access) = log_lines()
    assert access["route"] == "/zaken/{case_id}"
    assert (access["method"], access["status"], access["user_id"]) == ("GET", 200, None)
    assert access["duration_ms"] >= 0
    assert inside["request_id"] == access["request_id"] == response.headers["x-request-id"]
    assert "4711" not in json.dumps(access) and "geheim" not in json.dumps(access)


def test_each_request_gets_its_own_id(small_app: TestClient) -> None:
    first = small_app.get("/zaken/1").headers["x-request-id"]
    second = small_app.get("/zaken/1").headers["x-request-id"]
    assert first != second and len(first) == 32


def test_request_id_from_a_trusted_proxy_is_kept(log_lines: LogLines) -> None:
    app = logs.RequestLogMiddleware(
        Starlette(routes=[Route("/zaken/{case_id}", _ok)]),
        trusted_proxies=[ip_network("10.0.0.0/8")],
    )
    client = TestClient(app, client=("10.1.2.3", 50000))

    response = client.get("/zaken/1", headers={"X-Request-ID": "proxy-abc.123"})

    assert response.headers["x-request-id"] == "proxy-abc.123"
    assert {line["request_id"] for line in log_lines()} == {"proxy-abc.123"}


@pytest.mark.parametrize("given", ["proxy-abc.123", "bad id\nwith newline", "x" * 65])
def test_request_id_from_anyone_else_or_malformed_is_replaced(
    given: str, small_app: TestClient
) -> None:
    # The test client's peer is not among the trusted proxies (10.0.0.0/8).
    response = small_app.get("/zaken/1", headers={"X-Request-ID": given})
    assert response.headers["x-request-id"] != given


def test_health_probes_are_not_logged(client: TestClient, log_lines: LogLines) -> None:
    for path in ("/healthz", "/readyz"):
        assert client.get(path).status_code == 200
    client.get("/inloggen")

    assert [line["route"] for line in access_lines(log_lines())] == ["/inloggen"]


def test_an_exception_is_logged_by_class_and_code_location_not_by_message(
    log_lines: LogLines,
) -> None:
    try:
        try:
            raise KeyError(ADDRESS)
        except KeyError:
            _fail(None)  # type: ignore[arg-type]
    except ValueError:
        logging.getLogger("casustafel.test").exception("mislukt")

    (line,) = log_lines()
    assert "builtins.KeyError" in line["exception"] and "builtins.ValueError" in line["exception"]
    assert "raise ValueError(" in line["exception"]  # the code line, for the operator
    assert ADDRESS not in json.dumps(line) and BSN not in json.dumps(line)
    assert "999990111" not in json.dumps(line) and "Wildeboer" not in json.dumps(line)


def test_a_500_in_the_app_is_logged_with_route_and_status_but_no_message(
    small_app: TestClient, log_lines: LogLines
) -> None:
    assert small_app.get(f"/fout?bsn={BSN}").status_code == 500

    written = json.dumps(log_lines())
    assert BSN not in written and ADDRESS not in written
    (access,) = access_lines(log_lines())
    assert (access["route"], access["status"]) == ("/fout", 500)


def test_the_app_logs_the_user_id_and_route_template_never_the_token(
    client: TestClient, session: Session, log_lines: LogLines
) -> None:
    user = make_user(session, email="pim.partner@partner.example")
    log_in(client, user.email, PASSWORD)

    assert client.get("/").status_code == 200
    client.get("/uitnodiging/eenmalig-geheim-token")

    client.get("/static/css/app.css?v=geheim-token")

    start_page, invitation, static = access_lines(log_lines())[-3:]
    assert (start_page["route"], start_page["status"], start_page["user_id"]) == ("/", 200, user.id)
    assert invitation["route"] == "/uitnodiging/{token}"
    assert (static["route"], static["status"]) == ("/static/{path}", 200)
    written = json.dumps(log_lines())
    assert "geheim-token" not in written and "app.css" not in written
    assert "pim.partner" not in written and PASSWORD not in written


def test_a_500_in_the_app_answers_the_dutch_page_and_logs_no_path(
    app: Any, client: TestClient, log_lines: LogLines
) -> None:
    @app.get("/kapot/{token}")
    def broken(token: str) -> None:
        raise RuntimeError(f"geheim {token}")

    response = client.get("/kapot/eenmalig-geheim-token")

    assert response.status_code == 500 and "Er ging iets mis" in response.text
    lines = log_lines()
    written = json.dumps(lines)
    assert "eenmalig-geheim-token" not in written
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["message"] == "Onverwachte fout bij GET /kapot/{token}"
    assert "builtins.RuntimeError" in error["exception"]
    assert error["request_id"] == response.headers["x-request-id"]


def test_the_worker_logs_json_lines(postgresql_url: str) -> None:
    # Only on PostgreSQL: a separate worker on SQLite is refused.
    env = os.environ | {"CASUSTAFEL_DATABASE_URL": postgresql_url}
    with subprocess.Popen([*CLI, "worker"], env=env, stdout=subprocess.PIPE, text=True) as worker:
        assert worker.stdout is not None
        first = json.loads(worker.stdout.readline())
        worker.terminate()
        last = json.loads(worker.stdout.read().splitlines()[-1])
    assert (first["logger"], first["level"]) == ("casustafel.jobs", "INFO")
    assert first["message"].startswith("Achtergrondtaken draaien")
    assert last["message"].startswith("Achtergrondtaken gestopt")
