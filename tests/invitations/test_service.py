"""Invitations and resets as use cases: a hash only, single use, 72 hours or 1 hour, the same
answer for an unknown address, throttled like logins, and no link left in the outbox once sent."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit import AuditEvent, Outcome
from app.auth import service as auth_service
from app.config import Settings
from app.db import make_engine, utcnow
from app.errors import DomainError
from app.invitations import service
from app.invitations.models import AccountLink, LinkPurpose, NewPassword
from app.mail.sender import SECRET_REMOVED, deliver_due
from app.mail.service import enqueue
from app.security.sessions import SessionStage, UserSession, start_session, token_digest
from app.users.models import User
from tests.factories import PASSWORD, make_user
from tests.invitations.links import BEHEERDER, MAIL, invite, link_path, newest_link, outbox_to
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]

NEW_PASSWORD = "fietsen-langs-de-vecht"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def use(
    session: Session, settings: Settings, path: str, purpose: LinkPurpose
) -> auth_service.LoggedIn:
    return service.set_password_by_link(
        session,
        token=token_of(path),
        purpose=purpose,
        data=NewPassword(password=NEW_PASSWORD, password_repeat=NEW_PASSWORD),
        client_address="192.0.2.7",
        user_agent="Testbrowser",
        previous_token=None,
        settings=settings,
    )


def actions(session: Session) -> list[tuple[str, Outcome, str | None]]:
    session.expire_all()
    return [
        (event.action, event.outcome, event.object_id)
        for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
    ]


def test_an_invitation_stores_only_a_hash_and_mails_the_link(session: Session) -> None:
    user = invite(session)

    [message] = outbox_to(session, "iris@wijkteam.example")
    token = token_of(link_path(message.body_text))
    [link] = session.exec(select(AccountLink)).all()
    assert user.password_hash is None
    assert link.token_hash == token_digest(token) and token not in link.token_hash
    assert link.purpose == LinkPurpose.INVITATION
    assert message.secret and message.subject == "Uw account voor Casustafel"
    assert "72 uur" in message.body_text and "Beste Iris Ingeschreven" in message.body_text
    assert ("uitnodiging.verstuurd", Outcome.SUCCESS, str(user.id)) in actions(session)


def test_the_link_sets_the_password_once_and_signs_in(session: Session, settings: Settings) -> None:
    user = invite(session)
    path = newest_link(session, user.email)

    logged_in = use(session, settings, path, LinkPurpose.INVITATION)

    assert logged_in.stage == SessionStage.FULL
    with pytest.raises(service.LinkNotValid):
        use(session, settings, path, LinkPurpose.INVITATION)
    session.expire_all()
    assert (
        auth_service.log_in(
            session,
            email=user.email,
            password=NEW_PASSWORD,
            client_address="192.0.2.7",
            user_agent=None,
            previous_token=None,
            settings=settings,
        ).user.id
        == user.id
    )
    assert session.exec(select(AccountLink)).all() == []
    assert ("uitnodiging.gebruikt", Outcome.SUCCESS, str(user.id)) in actions(session)


def test_an_invitation_works_for_72_hours_and_not_after(
    session: Session, settings: Settings
) -> None:
    user = invite(session)
    path = newest_link(session, user.email)

    with time_machine.travel(utcnow() + timedelta(hours=71, minutes=59)):
        assert service.open_link(session, token=token_of(path), purpose=LinkPurpose.INVITATION)
    with (
        time_machine.travel(utcnow() + timedelta(hours=72, minutes=1)),
        pytest.raises(service.LinkNotValid),
    ):
        use(session, settings, path, LinkPurpose.INVITATION)
    assert session.get_one(User, user.id).password_hash is None


def test_a_reset_link_works_for_one_hour_and_not_after(
    session: Session, settings: Settings
) -> None:
    user = make_user(session)
    service.send_link(
        session, user=user, purpose=LinkPurpose.PASSWORD_RESET, by=BEHEERDER, mail=MAIL
    )
    path = newest_link(session, user.email)

    with (
        time_machine.travel(utcnow() + timedelta(minutes=61)),
        pytest.raises(service.LinkNotValid),
    ):
        use(session, settings, path, LinkPurpose.PASSWORD_RESET)
    with time_machine.travel(utcnow() + timedelta(minutes=59)):
        use(session, settings, path, LinkPurpose.PASSWORD_RESET)


def test_a_link_only_opens_the_page_of_its_purpose(session: Session, settings: Settings) -> None:
    user = invite(session)
    path = newest_link(session, user.email)

    with pytest.raises(service.LinkNotValid):
        use(session, settings, path, LinkPurpose.PASSWORD_RESET)


def test_a_new_invitation_makes_the_older_link_stop_working(
    session: Session, settings: Settings
) -> None:
    user = invite(session)
    first = newest_link(session, user.email)

    service.send_link(session, user=user, purpose=LinkPurpose.INVITATION, by=BEHEERDER, mail=MAIL)
    second = newest_link(session, user.email)

    assert first != second
    with pytest.raises(service.LinkNotValid):
        use(session, settings, first, LinkPurpose.INVITATION)
    use(session, settings, second, LinkPurpose.INVITATION)


def test_a_reset_ends_every_session_of_the_account(session: Session, settings: Settings) -> None:
    user = make_user(session)
    start_session(session, user_id=user.id, client_address="198.51.100.1")
    session.commit()
    service.send_link(
        session, user=user, purpose=LinkPurpose.PASSWORD_RESET, by=BEHEERDER, mail=MAIL
    )

    logged_in = use(session, settings, newest_link(session, user.email), LinkPurpose.PASSWORD_RESET)

    remaining = session.exec(select(UserSession.id).where(UserSession.user_id == user.id)).all()
    assert remaining == [token_digest(logged_in.token)]
    assert ("wachtwoordherstel.gebruikt", Outcome.SUCCESS, str(user.id)) in actions(session)


def test_a_mismatched_or_weak_password_spends_nothing(session: Session, settings: Settings) -> None:
    user = invite(session)
    token = token_of(newest_link(session, user.email))

    for password, repeat, field in [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password_repeat"),
        ("iris-ingeschreven", "iris-ingeschreven", "password"),
    ]:
        with pytest.raises(DomainError) as refused:
            service.set_password_by_link(
                session,
                token=token,
                purpose=LinkPurpose.INVITATION,
                data=NewPassword(password=password, password_repeat=repeat),
                client_address="192.0.2.7",
                user_agent=None,
                previous_token=None,
                settings=settings,
            )
        assert refused.value.field == field
        session.rollback()
    assert service.open_link(session, token=token, purpose=LinkPurpose.INVITATION).id == user.id


def request_reset(
    session: Session, settings: Settings, email: str, address: str = "192.0.2.9"
) -> None:
    service.request_password_reset(
        session, email=email, client_address=address, settings=settings, mail=MAIL
    )


def test_a_reset_for_an_unknown_address_mails_nothing_and_names_no_account(
    session: Session, settings: Settings
) -> None:
    request_reset(session, settings, "niemand@nergens.example")

    assert outbox_to(session, "niemand@nergens.example") == []
    assert actions(session) == [("wachtwoordherstel.aangevraagd", Outcome.DENIED, None)]


def test_a_reset_for_a_known_address_mails_a_one_hour_link(
    session: Session, settings: Settings
) -> None:
    user = make_user(session, email="pim@partner.example")

    request_reset(session, settings, " Pim@Partner.example ")

    [message] = outbox_to(session, "pim@partner.example")
    assert "1 uur" in message.body_text and "/wachtwoord-herstellen/" in message.body_text
    assert actions(session) == [("wachtwoordherstel.aangevraagd", Outcome.SUCCESS, str(user.id))]


@pytest.mark.parametrize(
    "account",
    [{"active": False}, {"awaiting_admission": True}],
    ids=["inactief", "niet toegelaten"],
)
def test_no_reset_mail_for_an_account_that_cannot_log_in(
    session: Session, settings: Settings, account: dict[str, bool]
) -> None:
    user = make_user(session, **account)

    request_reset(session, settings, user.email)

    assert outbox_to(session, user.email) == []
    assert actions(session) == [("wachtwoordherstel.aangevraagd", Outcome.DENIED, str(user.id))]


def test_reset_requests_are_throttled_per_typed_address_without_locking_the_login(
    session: Session, settings: Settings
) -> None:
    user = make_user(session)
    limit = settings.login_max_failures_per_account

    for _ in range(limit - 1):
        request_reset(session, settings, user.email)
    with pytest.raises(DomainError, match="te vaak een nieuw wachtwoord aangevraagd"):
        request_reset(session, settings, user.email, address="198.51.100.3")

    assert len(outbox_to(session, user.email)) == limit - 1
    denied = [entry for entry in actions(session) if entry[1] == Outcome.DENIED]
    assert denied == [("wachtwoordherstel.aangevraagd", Outcome.DENIED, None)]
    assert (
        auth_service.log_in(
            session,
            email=user.email,
            password=PASSWORD,
            client_address="192.0.2.9",
            user_agent=None,
            previous_token=None,
            settings=settings,
        ).user.id
        == user.id
    )


def test_reset_requests_are_throttled_per_client_address(
    session: Session, settings: Settings
) -> None:
    limited = settings.model_copy(update={"login_max_failures_per_address": 3})

    for number in range(2):
        request_reset(session, limited, f"onbekend{number}@nergens.example")
    with pytest.raises(DomainError, match="te vaak"):
        request_reset(session, limited, "nog-een@nergens.example")
    with pytest.raises(DomainError, match="te vaak"):
        request_reset(session, limited, "en-nog-een@nergens.example")


def test_the_sent_mail_carries_the_link_and_the_outbox_keeps_none(
    session: Session, engine: Engine, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    user = invite(session)
    path = newest_link(session, user.email)

    assert deliver_due(engine, mail_settings) == 1

    [mail] = smtp_server.mails()
    assert mail["To"] == user.email
    assert link_path(mail.get_content()) == path
    [stored] = outbox_to(session, user.email)
    assert stored.body_text == SECRET_REMOVED and token_of(path) not in stored.body_text


def test_ordinary_mail_keeps_its_body_after_sending(
    session: Session, engine: Engine, mail_settings: Settings, smtp_server: SmtpServer
) -> None:
    enqueue(session, to="jan@example.nl", subject="Acties", body="Bekijk uw acties.")
    session.commit()

    deliver_due(engine, mail_settings)

    assert outbox_to(session, "jan@example.nl")[0].body_text == "Bekijk uw acties."
