"""Login throttling, kept in the database so every app process counts the same attempts."""

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, func
from sqlmodel import Field, Session, SQLModel, col, select

from app.config import Settings
from app.db import utcnow


class ThrottleScope(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "adres"


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    attempted_at: datetime = Field(index=True)
    account_key: str = Field(max_length=64, index=True)
    client_address: str = Field(max_length=64, index=True)
    succeeded: bool


class LoginLockout(SQLModel, table=True):
    __tablename__ = "login_lockout"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=10)
    key: str = Field(max_length=64, index=True)
    locked_until: datetime


def account_key(email: str) -> str:
    """What is kept of a typed e-mail address: a hash, so mistyped addresses are not stored."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def is_locked(session: Session, *, email: str, client_address: str) -> bool:
    """Whether the account or the client address is locked out now."""
    keys = [account_key(email), client_address]
    lockout = session.exec(
        select(LoginLockout.id)
        .where(col(LoginLockout.key).in_(keys), LoginLockout.locked_until > utcnow())
        .limit(1)
    ).first()
    return lockout is not None


def _account_failures(session: Session, key: str, since: datetime) -> int:
    # A successful login starts the count for an account afresh.
    last_success = session.exec(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.account_key == key, col(LoginAttempt.succeeded)
        )
    ).one()
    return _count_failures(
        session, col(LoginAttempt.account_key) == key, max(since, last_success or since)
    )


def _address_failures(session: Session, client_address: str, since: datetime) -> int:
    # No reset on success here: one valid account must not clear an address guessing at others.
    return _count_failures(session, col(LoginAttempt.client_address) == client_address, since)


def _count_failures(session: Session, where: ColumnElement[bool], since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(where, LoginAttempt.attempted_at > since, col(LoginAttempt.succeeded).is_(False))
    ).one()


def register_attempt(
    session: Session, *, email: str, client_address: str, succeeded: bool, settings: Settings
) -> list[ThrottleScope]:
    """Store an attempt; too many failures lock the account and/or the address (caller commits)."""
    now = utcnow()
    key = account_key(email)
    session.add(
        LoginAttempt(
            attempted_at=now, account_key=key, client_address=client_address, succeeded=succeeded
        )
    )
    session.flush()
    if succeeded:
        return []
    since = now - timedelta(minutes=settings.login_window_minutes)
    over_limit = {
        ThrottleScope.ACCOUNT: (
            key,
            _account_failures(session, key, since) >= settings.login_max_failures_per_account,
        ),
        ThrottleScope.ADDRESS: (
            client_address,
            _address_failures(session, client_address, since)
            >= settings.login_max_failures_per_address,
        ),
    }
    until = now + timedelta(minutes=settings.login_lockout_minutes)
    locked = []
    for scope, (lock_key, over) in over_limit.items():
        if over:
            session.add(LoginLockout(scope=scope, key=lock_key, locked_until=until))
            locked.append(scope)
    return locked
