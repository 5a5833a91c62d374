"""Mijn account: switching the weekly digest of one's tasks off and on again."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.users.models import User
from tests.conftest import CSRF_INPUT, csrf_from, log_in
from tests.factories import PASSWORD, make_user

LABEL = "Wekelijks overzicht van mijn acties per e-mail"


def switch(client: TestClient, *, on: bool) -> None:
    data = {"csrf_token": csrf_from(client, "/account")} | ({"weekly_digest": "true"} if on else {})
    response = client.post("/account/weekoverzicht", data=data)
    assert response.status_code == 303 and response.headers["location"] == "/account"


def test_a_participant_switches_the_digest_off_and_on_and_each_change_is_logged(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    form = client.get("/account").text.split('action="/account/weekoverzicht"')[1]
    form = form.split("</form>")[0]
    assert CSRF_INPUT.search(form) and 'name="weekly_digest" value="true" checked' in form

    switch(client, on=False)
    page = client.get("/account").text
    session.refresh(user)
    off = user.weekly_digest
    switch(client, on=True)
    session.refresh(user)

    assert off is False and user.weekly_digest is True
    assert "U krijgt geen wekelijks overzicht van uw acties meer per e-mail." in page
    assert 'name="weekly_digest" value="true" aria-describedby' in page  # shown unticked
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_id == user.id, col(AuditEvent.action).like("weekoverzicht.%"))
        .order_by(col(AuditEvent.id))
    ).all()
    assert actions == ["weekoverzicht.uit", "weekoverzicht.aan"]


def test_without_the_csrf_token_nothing_changes(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    refused = client.post("/account/weekoverzicht", data={})

    assert refused.status_code == 403
    assert session.get(User, user.id).weekly_digest is True


def test_the_fg_has_no_tasks_so_is_not_offered_the_digest(
    client: TestClient, session: Session
) -> None:
    fg = make_user(session, is_participant=False, is_privacy_officer=True)
    log_in(client, fg.email, PASSWORD)

    page = client.get("/account").text
    refused = client.post(
        "/account/weekoverzicht", data={"csrf_token": csrf_from(client, "/account")}
    )

    assert LABEL not in page
    assert refused.status_code == 403
    assert session.get(User, fg.id).weekly_digest is True
