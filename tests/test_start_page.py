"""The start page tells the beheerder about e-mails that could not be delivered."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import log_in
from tests.factories import PASSWORD, make_user


def test_only_the_beheerder_sees_mails_that_were_given_up_on(
    client: TestClient, session: Session
) -> None:
    session.add(
        OutboxMessage(
            to_address="wijkagent@politie.example",
            body_text="...",
            subject="Uitnodiging: Integraal overleg",
            status=OutboxStatus.FAILED,
            attempts=10,
        )
    )
    session.commit()
    admin, member = make_user(session, is_admin=True), make_user(session)

    log_in(client, admin.email, PASSWORD)
    for_admin = client.get("/").text
    client.cookies.clear()
    log_in(client, member.email, PASSWORD)
    for_member = client.get("/").text

    assert "E-mails die niet aankwamen" in for_admin
    assert '"Uitnodiging: Integraal overleg" aan wijkagent@politie.example' in for_admin
    assert "E-mails die niet aankwamen" not in for_member
