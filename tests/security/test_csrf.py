"""A state-changing request without a valid CSRF token is refused and changes nothing."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, func, select

from app.config import Settings
from app.main import create_app
from app.organisations.models import Organisation
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin_client(client: TestClient, session: Session) -> TestClient:
    admin = make_user(session, is_admin=True)
    log_in(client, admin.email, PASSWORD)
    return client


def organisation_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Organisation)).one()


@pytest.mark.parametrize(
    ("form_token", "header_token"),
    [(None, None), ("verkeerd", None), (None, "verkeerd"), ("", "")],
    ids=["geen token", "verkeerd formuliertoken", "verkeerde header", "leeg"],
)
def test_post_without_valid_token_is_refused_and_changes_nothing(
    admin_client: TestClient, session: Session, form_token: str | None, header_token: str | None
) -> None:
    before = organisation_count(session)
    data = {"name": "Veilig Thuis Regio", "kind": "veilig_thuis"}
    if form_token is not None:
        data["csrf_token"] = form_token
    headers = {"X-CSRF-Token": header_token} if header_token is not None else {}

    response = admin_client.post("/organisaties/nieuw", data=data, headers=headers)

    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.text
    assert organisation_count(session) == before


def test_same_post_with_the_token_from_the_page_succeeds(
    admin_client: TestClient, session: Session
) -> None:
    token = csrf_from(admin_client, "/organisaties/nieuw")
    before = organisation_count(session)

    response = admin_client.post(
        "/organisaties/nieuw",
        data={"name": "Veilig Thuis Regio", "kind": "veilig_thuis", "csrf_token": token},
    )

    assert response.status_code == 303
    assert organisation_count(session) == before + 1


def test_htmx_request_sends_the_token_as_header(admin_client: TestClient, session: Session) -> None:
    token = csrf_from(admin_client, "/organisaties/nieuw")

    response = admin_client.post(
        "/organisaties/nieuw",
        data={"name": "GGD Regio", "kind": "ggd"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )

    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/organisaties"


def test_login_form_needs_the_token_too(client: TestClient, session: Session) -> None:
    user = make_user(session)
    client.get("/inloggen")

    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "casustafel_sessie" not in response.cookies


def test_token_of_another_visitor_is_refused(app: FastAPI, session: Session) -> None:
    user = make_user(session)
    with TestClient(app) as other, TestClient(app, follow_redirects=False) as client:
        stolen = csrf_from(other)
        client.get("/inloggen")
        response = client.post(
            "/inloggen", data={"email": user.email, "password": PASSWORD, "csrf_token": stolen}
        )
    assert response.status_code == 403


def post_with_token(client: TestClient, headers: dict[str, str]) -> Response:
    token = csrf_from(client, "/organisaties/nieuw")
    return client.post(
        "/organisaties/nieuw",
        data={"name": "Veilig Thuis Regio", "kind": "veilig_thuis", "csrf_token": token},
        headers=headers,
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
        {"Origin": "https://testserver"},
        {"Origin": "http://testserver:8080"},
    ],
    ids=[
        "ander origin",
        "cross-site",
        "cross-site met eigen origin",
        "null",
        "null van dezelfde site",
        "https",
        "poort",
    ],
)
def test_a_post_from_another_site_is_refused_even_with_the_right_token(
    admin_client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    before = organisation_count(session)

    response = post_with_token(admin_client, headers)

    assert response.status_code == 403
    assert "Dit formulier is verlopen of kwam niet van Casustafel" in response.text
    assert organisation_count(session) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "HTTP://TESTSERVER:80"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "none"},
        # What a browser sends for a plain form on our page under Referrer-Policy: no-referrer.
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    ],
    ids=["eigen origin", "eigen origin anders geschreven", "same-site", "none", "eigen formulier"],
)
def test_a_post_from_the_own_origin_is_accepted(
    admin_client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    before = organisation_count(session)

    response = post_with_token(admin_client, headers)

    assert response.status_code == 303
    assert organisation_count(session) == before + 1


def test_an_allowed_origin_is_accepted_behind_a_proxy(settings: Settings, session: Session) -> None:
    proxied = create_app(settings.model_copy(update={"allowed_origins": ["https://mdo.example"]}))
    admin = make_user(session, is_admin=True)
    try:
        with TestClient(proxied, follow_redirects=False) as client:
            log_in(client, admin.email, PASSWORD)
            allowed = post_with_token(client, {"Origin": "https://mdo.example"})
            other = post_with_token(client, {"Origin": "https://evil.example"})
    finally:
        proxied.state.engine.dispose()

    assert allowed.status_code == 303
    assert other.status_code == 403


def test_a_request_with_the_wrong_token_stays_refused_from_the_own_origin(
    admin_client: TestClient,
) -> None:
    response = admin_client.post(
        "/organisaties/nieuw",
        data={"name": "GGD Regio", "kind": "ggd", "csrf_token": "verkeerd"},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 403
