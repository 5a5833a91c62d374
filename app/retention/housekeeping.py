"""Housekeeping: the technical records that only grow (sessions, login attempts, sent mail,
expired links, weekly digests' claims) are deleted once they are of no more use; casussen are
the purge's concern."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, SQLModel, col, delete, select

from app.config import Settings
from app.flash import FlashMessage
from app.invitations.models import AccountLink
from app.mail.models import OutboxMessage, OutboxStatus
from app.overleg.models import CalendarFeedToken
from app.reminders.models import ReminderKind, ReminderSent
from app.security.sessions import UserSession
from app.security.throttle import LoginAttempt, LoginLockout
from app.sso.models import SsoAttempt
from app.sso.service import ATTEMPT_LIFETIME
from app.users.models import User

# Long enough to look into a login attack or a complaint about a mail; after that, IP
# addresses and mail bodies serve no one.
LOG_KEEP = timedelta(days=30)

# What the summary calls each kind, in its order.
LABELS = {
    "sessions": "verlopen sessies",
    "flash_messages": "meldingen van beëindigde sessies",
    "login_attempts": "inlogpogingen ouder dan 30 dagen",
    "login_lockouts": "inlogblokkades ouder dan 30 dagen",
    "mails": "verzonden of opgegeven e-mails ouder dan 30 dagen",
    "account_links": "verlopen uitnodigings- en herstellinks",
    "sso_attempts": "verlopen SSO-inlogpogingen",
    "calendar_tokens": "agenda-abonnementen van gedeactiveerde accounts",
    "digest_claims": "verzendregistraties van weekoverzichten ouder dan 30 dagen",
}


@dataclass(frozen=True)
class HousekeepingReport:
    """How many records of each kind were removed (or, in a dry run, would be)."""

    sessions: int
    flash_messages: int
    login_attempts: int
    login_lockouts: int
    mails: int
    account_links: int
    sso_attempts: int
    calendar_tokens: int
    digest_claims: int

    def lines(self) -> list[str]:
        """The report in Dutch for the command line: a line per kind with something to remove
        (the same lines for a dry run and the run after it)."""
        return [
            f"{label}: {getattr(self, kind)}"
            for kind, label in LABELS.items()
            if getattr(self, kind)
        ]


def _expired_sessions(now: datetime, settings: Settings) -> ColumnElement[bool]:
    # The rule of sessions.is_expired, as SQL.
    return or_(
        col(UserSession.last_seen_at) < now - settings.session_idle_limit,
        col(UserSession.created_at) < now - settings.session_absolute_limit,
    )


def _removable(
    now: datetime, settings: Settings
) -> dict[str, tuple[type[SQLModel], ColumnElement[bool]]]:
    """Per kind, its table and which of its rows go; in order (a session's messages first)."""
    log_cutoff = now - LOG_KEEP
    expired_sessions = _expired_sessions(now, settings)
    return {
        "flash_messages": (
            FlashMessage,
            col(FlashMessage.session_id).in_(select(UserSession.id).where(expired_sessions)),
        ),
        "sessions": (UserSession, expired_sessions),
        "login_attempts": (LoginAttempt, col(LoginAttempt.attempted_at) < log_cutoff),
        "login_lockouts": (LoginLockout, col(LoginLockout.locked_until) < log_cutoff),
        "mails": (
            OutboxMessage,
            or_(
                and_(
                    col(OutboxMessage.status) == OutboxStatus.SENT,
                    col(OutboxMessage.sent_at) < log_cutoff,
                ),
                # A given-up message keeps no date of its last attempt; that was a few
                # hours after it was written.
                and_(
                    col(OutboxMessage.status) == OutboxStatus.FAILED,
                    col(OutboxMessage.created_at) < log_cutoff,
                ),
            ),
        ),
        # A used link is deleted when it is used; only expired ones remain to go.
        "account_links": (AccountLink, col(AccountLink.expires_at) <= now),
        "sso_attempts": (SsoAttempt, col(SsoAttempt.created_at) < now - ATTEMPT_LIFETIME),
        "calendar_tokens": (
            CalendarFeedToken,
            col(CalendarFeedToken.user_id).in_(select(User.id).where(col(User.active).is_(False))),
        ),
        # A digest is claimed for its own week only, so a past week's claim guards nothing.
        # A verslag reminder's claim stays: without it the reminder would go out again.
        "digest_claims": (
            ReminderSent,
            and_(
                col(ReminderSent.kind) == ReminderKind.WEEKLY_DIGEST,
                col(ReminderSent.sent_at) < log_cutoff,
            ),
        ),
    }


def clean_up(
    session: Session, *, now: datetime, settings: Settings, dry_run: bool = False
) -> HousekeepingReport:
    """Delete what has served its purpose, one statement per kind, and commit; a dry run only
    counts (and leaves its read-only transaction to the caller)."""
    counts: dict[str, int] = {}
    for kind, (table, condition) in _removable(now, settings).items():
        if dry_run:
            counts[kind] = session.exec(
                select(func.count()).select_from(table).where(condition)
            ).one()
        else:
            counts[kind] = session.exec(
                delete(table).where(condition).execution_options(synchronize_session=False)
            ).rowcount
    if not dry_run:
        session.commit()
    return HousekeepingReport(**counts)
