"""The security headers are on every response: pages, error pages and static files."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.security.deps import CurrentUser
from app.security.headers import SECURITY_HEADERS
from tests.conftest import log_in
from tests.factories import PASSWORD, make_user


def assert_security_headers(response: Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


@pytest.fixture
def logged_in(client: TestClient, session: Session) -> TestClient:
    log_in(client, make_user(session).email, PASSWORD)
    return client


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/wachtwoord", 200),
        ("/", 200),
        ("/bestaat-niet", 404),
        ("/gebruikers", 403),
        ("/static/css/app.css", 200),
        ("/static/vendor/htmx-4.0.1.min.js", 200),
    ],
)
def test_headers_on_pages_and_error_pages(logged_in: TestClient, path: str, status: int) -> None:
    response = logged_in.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_headers_and_dutch_page_on_an_unexpected_error(app: FastAPI, session: Session) -> None:
    def explode(user: CurrentUser) -> None:
        raise RuntimeError("kapot")

    app.add_api_route("/test-fout", explode)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        log_in(client, make_user(session).email, PASSWORD)
        response = client.get("/test-fout")

    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "kapot" not in response.text and "Traceback" not in response.text
    assert_security_headers(response)


def test_pages_are_not_cached_and_cookies_are_http_only(client: TestClient) -> None:
    response = client.get("/inloggen")
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_served_over_https(settings: Settings) -> None:
    https_app = create_app(settings.model_copy(update={"base_url": "https://casustafel.example"}))
    with TestClient(https_app, base_url="https://testserver") as client:
        response = client.get("/inloggen")
    https_app.state.engine.dispose()
    assert "Secure" in response.headers["set-cookie"]
