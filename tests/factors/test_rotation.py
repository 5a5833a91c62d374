"""Key rotation re-encrypts the authenticator apps' secrets under the newest key, so that the
old key can go: a secret that does not open is left and counted, a set-up that does not open
starts over, and nothing decrypted is logged."""

import json
import logging
import os

import pyotp
import pytest
from sqlmodel import Session, select

from app.audit import Actor, AuditEvent
from app.factors import queries
from app.factors.models import SecondFactor
from app.factors.service import (
    PENDING_PURPOSE,
    SECRET_PURPOSE,
    RotationCount,
    rotate_secrets,
    secret_to_set_up,
    set_up_authenticator,
)
from app.security.crypto import DataCipher, open_account_secret
from app.security.sessions import UserSession, start_session, token_digest
from app.users.models import User
from tests.cases.tokens import legacy
from tests.factories import make_user

CLI = Actor(user=None, organisation_name=None, client_address="cli")


def signed_in(session: Session, user: User) -> str:
    token = start_session(session, user_id=user.id, client_address="10.0.0.7")
    session.commit()
    return token


def with_authenticator(session: Session, cipher: DataCipher) -> tuple[SecondFactor, str]:
    """A user who set up an authenticator app under the cipher: the factor and its secret."""
    user = make_user(session)
    token = signed_in(session, user)
    secret = secret_to_set_up(session, user=user, token=token, cipher=cipher)
    factor = set_up_authenticator(
        session,
        user=user,
        token=token,
        label="Telefoon",
        code=pyotp.TOTP(secret).now(),
        cipher=cipher,
        by=CLI,
    )
    return factor, secret


def setting_up(session: Session, cipher: DataCipher) -> tuple[str, str]:
    """A session setting up an authenticator app under the cipher: its id and the secret."""
    user = make_user(session)
    token = signed_in(session, user)
    secret = secret_to_set_up(session, user=user, token=token, cipher=cipher)
    return token_digest(token), secret


def stored_secret(session: Session, factor_id: int | None) -> str:
    session.expire_all()
    return session.get(SecondFactor, factor_id).secret or ""


def pending_secret(session: Session, session_id: str) -> str | None:
    session.expire_all()
    return session.get(UserSession, session_id).pending_totp_secret


def test_every_secret_moves_to_the_newest_key_and_opens_without_the_old_one(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = DataCipher((old,))
    factor, secret = with_authenticator(session, before)
    earlier, earlier_secret = with_authenticator(session, before)
    # A secret as the v1 code stored it (bound to its field only) moves to the current format.
    earlier.secret = legacy(before, earlier_secret, purpose=SECRET_PURPOSE)
    session.add(earlier)
    session.commit()
    set_up_id, set_up_secret = setting_up(session, before)
    rotating = DataCipher((old, new))

    with caplog.at_level(logging.DEBUG):
        count = rotate_secrets(session, cipher=rotating, actor=CLI)
        again = rotate_secrets(session, cipher=rotating, actor=CLI)

    only_new = DataCipher((new,))
    assert count == RotationCount(authenticators=2, set_ups=1, unreadable=0, set_ups_stopped=0)
    assert again == RotationCount(authenticators=0, set_ups=0, unreadable=0, set_ups_stopped=0)
    assert queries.not_rotated(session, cipher=rotating) == 0
    for row, plain in ((factor, secret), (earlier, earlier_secret)):
        token = stored_secret(session, row.id)
        opened = open_account_secret(only_new, token, purpose=SECRET_PURPOSE, row=str(row.id))
        assert opened == plain
    pending = pending_secret(session, set_up_id) or ""
    assert open_account_secret(only_new, pending, purpose=PENDING_PURPOSE, row=set_up_id) == (
        set_up_secret
    )
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "tweede_factor.geheimen_geroteerd")
    ).all()
    assert [event.context for event in events] == ["sleutelrotatie", "sleutelrotatie"]
    assert json.loads(events[0].detail) == {
        "authenticator-apps": 2,
        "instellingen": 1,
        "instellingen_gestopt": 0,
        "onleesbaar": 0,
    }
    logged = caplog.text + " ".join(event.detail for event in events)
    assert all(plain not in logged for plain in (secret, earlier_secret, set_up_secret))


def test_a_secret_that_does_not_open_is_left_and_counted_and_such_a_set_up_starts_over(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    old, new, gone = os.urandom(32), os.urandom(32), os.urandom(32)
    # Under a key no longer configured, as after an old key was removed too early.
    lost, lost_secret = with_authenticator(session, DataCipher((gone,)))
    kept, _ = with_authenticator(session, DataCipher((old,)))
    set_up_id, _ = setting_up(session, DataCipher((gone,)))
    rotating = DataCipher((old, new))
    lost_token = stored_secret(session, lost.id)

    with caplog.at_level(logging.WARNING, logger="casustafel.factors"):
        count = rotate_secrets(session, cipher=rotating, actor=CLI)

    assert count == RotationCount(authenticators=1, set_ups=0, unreadable=1, set_ups_stopped=1)
    assert stored_secret(session, lost.id) == lost_token
    assert rotating.is_current(stored_secret(session, kept.id))
    assert pending_secret(session, set_up_id) is None
    assert queries.not_rotated(session, cipher=rotating) == 1
    assert f"Authenticator-app {lost.id} van gebruiker {lost.user_id}" in caplog.text
    assert lost_secret not in caplog.text and lost_token not in caplog.text
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "tweede_factor.geheimen_geroteerd")
    ).one()
    assert json.loads(event.detail)["onleesbaar"] == 1
