"""Managing organisations: Dutch errors, deactivation ends the sessions of its people."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, func, select

from app.organisations.models import Organisation
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user


@pytest.fixture
def admin_client(client: TestClient, session: Session) -> TestClient:
    log_in(client, make_user(session, is_admin=True).email, PASSWORD)
    return client


def post_form(client: TestClient, path: str, data: dict[str, str]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, path)})


def test_create_and_list(admin_client: TestClient) -> None:
    response = post_form(
        admin_client,
        "/organisaties/nieuw",
        {"name": "Veilig Thuis Hollands Midden", "kind": "veilig_thuis"},
    )

    assert response.status_code == 303
    page = admin_client.get("/organisaties").text
    assert "Veilig Thuis Hollands Midden" in page and "Veilig Thuis" in page


def test_missing_kind_and_duplicate_name_get_dutch_messages(
    admin_client: TestClient, session: Session
) -> None:
    make_organisation(session, name="GGD Dorpsveen")
    before = session.exec(select(func.count()).select_from(Organisation)).one()

    no_kind = post_form(admin_client, "/organisaties/nieuw", {"name": "Jongerenwerk"})
    duplicate = post_form(
        admin_client, "/organisaties/nieuw", {"name": "GGD Dorpsveen", "kind": "ggd"}
    )

    assert no_kind.status_code == duplicate.status_code == 422
    assert 'id="kind-error">Vul dit veld in.' in no_kind.text
    assert 'value="Jongerenwerk"' in no_kind.text
    assert 'id="name-error">Er is al een organisatie met deze naam.' in duplicate.text
    assert session.exec(select(func.count()).select_from(Organisation)).one() == before


def test_deactivating_an_organisation_logs_out_its_people(
    admin_client: TestClient, session: Session, app: FastAPI
) -> None:
    member = make_user(session)
    with TestClient(app, follow_redirects=False) as member_client:
        log_in(member_client, member.email, PASSWORD)

        response = post_form(
            admin_client,
            f"/organisaties/{member.organisation_id}",
            {"name": "Opgeheven team", "kind": "sociaal_team"},
        )

        assert response.status_code == 303
        assert member_client.get("/").status_code == 303
        failed = member_client.post(
            "/inloggen",
            data={
                "email": member.email,
                "password": PASSWORD,
                "csrf_token": csrf_from(member_client),
            },
        )
        assert failed.status_code == 422
