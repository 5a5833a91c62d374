"""The personal calendar feed follows its account and organisation: deactivating either ends
the link for good, and re-activating brings no old link back."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, func, select

from app.overleg.models import CalendarFeedToken
from app.users.models import User
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user

FEED_PATH = re.compile(r'value="http://[^"/]+(/agenda/[^"]+\.ics)"')


@pytest.fixture
def admin_client(app: FastAPI, session: Session) -> Iterator[TestClient]:
    admin = make_user(session, is_admin=True, is_participant=False)
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, admin.email, PASSWORD)
        yield client


def post_form(client: TestClient, path: str, data: dict[str, str]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, path)})


def feed_path(client: TestClient, user: User) -> str:
    """Log the user in and make their subscription link; its path."""
    log_in(client, user.email, PASSWORD)
    page = post_form(client, "/agenda-abonnement", {}).text
    match = FEED_PATH.search(page)
    assert match, "geen abonnementslink op de pagina"
    return match.group(1)


def set_organisation_active(admin_client: TestClient, organisation_id: int, active: bool) -> None:
    fields = {"name": "Sociaal team Noord", "kind": "sociaal_team"}
    response = post_form(
        admin_client,
        f"/organisaties/{organisation_id}",
        fields | ({"active": "true"} if active else {}),
    )
    assert response.status_code == 303


def feed_tokens(session: Session, user: User) -> int:
    statement = select(func.count()).select_from(CalendarFeedToken)
    return session.exec(statement.where(CalendarFeedToken.user_id == user.id)).one()


def test_deactivating_the_organisation_ends_the_feed_and_reactivating_does_not_revive_it(
    client: TestClient, admin_client: TestClient, session: Session
) -> None:
    member = make_user(session)
    colleague = make_user(session, organisation_id=member.organisation_id)
    outsider = make_user(session)
    path = feed_path(client, member)
    with TestClient(client.app, follow_redirects=False) as other:
        outsider_path = feed_path(other, outsider)
    assert client.get(path).status_code == 200
    unknown = client.get("/agenda/onbekend-token.ics")

    set_organisation_active(admin_client, member.organisation_id, False)
    while_inactive = client.get(path)
    set_organisation_active(admin_client, member.organisation_id, True)
    after_reactivation = client.get(path)

    assert unknown.status_code == 404
    assert while_inactive.status_code == after_reactivation.status_code == 404
    assert "Pagina niet gevonden" in after_reactivation.text
    assert feed_tokens(session, member) == feed_tokens(session, colleague) == 0
    assert client.get(outsider_path).status_code == 200
    assert feed_tokens(session, outsider) == 1


def test_deactivating_an_account_ends_its_feed_for_good(
    client: TestClient, admin_client: TestClient, session: Session
) -> None:
    member = make_user(session)
    path = feed_path(client, member)
    fields = {
        "name": member.name,
        "email": member.email,
        "organisation_id": str(member.organisation_id),
        "is_participant": "true",
    }

    deactivated = post_form(admin_client, f"/gebruikers/{member.id}", fields)
    reactivated = post_form(admin_client, f"/gebruikers/{member.id}", fields | {"active": "true"})

    assert deactivated.status_code == reactivated.status_code == 303
    assert client.get(path).status_code == 404
    assert feed_tokens(session, member) == 0
