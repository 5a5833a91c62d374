"""Housekeeping removes what has served its purpose, and nothing younger or else."""

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app import audit
from app.audit import Actor, AuditEvent
from app.config import Settings
from app.db import make_engine
from app.flash import FlashMessage
from app.invitations.models import AccountLink, LinkPurpose
from app.mail.models import OutboxMessage, OutboxStatus
from app.overleg.models import CalendarFeedToken
from app.reminders.models import ReminderKind, ReminderSent
from app.retention.housekeeping import LABELS, HousekeepingReport, clean_up
from app.security.sessions import UserSession, is_expired
from app.security.throttle import LoginAttempt, LoginLockout, ThrottleScope
from app.sso.models import SsoAttempt
from app.users.models import User
from tests.factories import make_user

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
Rows = tuple[list[SQLModel], list[SQLModel]]  # (removed, kept)
_unique = itertools.count(1)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The app's own engine: SQLite with foreign keys on and one writer at a time."""
    app_engine = make_engine(database_url)
    yield app_engine
    app_engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as db_session:
        yield db_session


@pytest.fixture
def people(db: Session) -> tuple[User, User]:
    """An active account and a deactivated one."""
    return make_user(db), make_user(db, active=False)


def user_session(user: User, *, created: datetime, last_seen: datetime) -> UserSession:
    return UserSession(
        id=f"sessie-{next(_unique)}",
        user_id=user.id,
        created_at=created,
        last_seen_at=last_seen,
    )


def sessions(settings: Settings, user: User, _inactive: User) -> Rows:
    idle, absolute = settings.session_idle_limit, settings.session_absolute_limit
    idle_too_long = user_session(user, created=NOW - idle * 2, last_seen=NOW - idle - SECOND)
    started_too_long_ago = user_session(user, created=NOW - absolute - SECOND, last_seen=NOW)
    almost_idle = user_session(user, created=NOW - idle * 2, last_seen=NOW - idle + SECOND)
    almost_too_long = user_session(user, created=NOW - absolute + SECOND, last_seen=NOW)
    return [idle_too_long, started_too_long_ago], [almost_idle, almost_too_long]


def flash_messages(settings: Settings, user: User, _inactive: User) -> Rows:
    idle = settings.session_idle_limit
    ended = user_session(user, created=NOW - DAY, last_seen=NOW - idle - SECOND)
    live = user_session(user, created=NOW - idle, last_seen=NOW)
    for_ended = FlashMessage(session_id=ended.id, text="Opgeslagen.", created_at=NOW)
    for_live = FlashMessage(session_id=live.id, text="Opgeslagen.", created_at=NOW - idle)
    return [ended, for_ended], [live, for_live]


def login_attempts(_settings: Settings, _user: User, _inactive: User) -> Rows:
    def attempt(at: datetime) -> LoginAttempt:
        return LoginAttempt(
            attempted_at=at, account_key="a" * 64, client_address="192.0.2.1", succeeded=False
        )

    return [attempt(NOW - 30 * DAY - SECOND)], [attempt(NOW - 30 * DAY + SECOND), attempt(NOW)]


def login_lockouts(_settings: Settings, _user: User, _inactive: User) -> Rows:
    def lockout(until: datetime) -> LoginLockout:
        return LoginLockout(scope=ThrottleScope.ADDRESS, key="192.0.2.1", locked_until=until)

    return [lockout(NOW - 30 * DAY - SECOND)], [lockout(NOW - 30 * DAY + SECOND), lockout(NOW)]


def mails(_settings: Settings, _user: User, _inactive: User) -> Rows:
    def mail(status: OutboxStatus, created: datetime, sent: datetime | None) -> OutboxMessage:
        return OutboxMessage(
            to_address="iemand@partner.example",
            subject="Nieuwe casus",
            body_text="Volg de link.",
            status=status,
            created_at=created,
            sent_at=sent,
        )

    old, young = NOW - 30 * DAY - SECOND, NOW - 30 * DAY + SECOND
    removed = [
        mail(OutboxStatus.SENT, old, old),
        mail(OutboxStatus.FAILED, old, None),
    ]
    kept = [
        mail(OutboxStatus.SENT, old, young),  # sent late, after retries
        mail(OutboxStatus.FAILED, young, None),
        mail(OutboxStatus.PENDING, NOW - 60 * DAY, None),  # never sent: not done with
    ]
    return removed, kept


def account_links(_settings: Settings, user: User, _inactive: User) -> Rows:
    def link(purpose: LinkPurpose, expires: datetime) -> AccountLink:
        return AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=f"link-{next(_unique)}",
            created_at=expires - DAY,
            expires_at=expires,
        )

    removed = [link(LinkPurpose.INVITATION, NOW), link(LinkPurpose.PASSWORD_RESET, NOW - DAY)]
    return removed, [link(LinkPurpose.INVITATION, NOW + SECOND)]


def sso_attempts(_settings: Settings, _user: User, _inactive: User) -> Rows:
    def attempt(created: datetime) -> SsoAttempt:
        return SsoAttempt(
            id=f"poging-{next(_unique)}",
            binding="b" * 64,
            provider="entra",
            nonce="n" * 64,
            code_verifier="v" * 64,
            next_path="/",
            created_at=created,
        )

    return [attempt(NOW - timedelta(minutes=10) - SECOND)], [attempt(NOW - timedelta(minutes=9))]


def calendar_tokens(_settings: Settings, user: User, inactive: User) -> Rows:
    def token(owner: User) -> CalendarFeedToken:
        return CalendarFeedToken(
            user_id=owner.id, token_hash=f"abonnement-{next(_unique)}", created_at=NOW
        )

    return [token(inactive)], [token(user)]


def digest_claims(_settings: Settings, user: User, _inactive: User) -> Rows:
    def claim(week: str, sent: datetime) -> ReminderSent:
        return ReminderSent(
            kind=ReminderKind.WEEKLY_DIGEST, user_id=user.id, period=week, sent_at=sent
        )

    old = NOW - 30 * DAY - SECOND
    return [claim("2026-W43", old)], [claim("2026-W44", NOW - 30 * DAY + SECOND)]


KINDS: dict[str, Callable[[Settings, User, User], Rows]] = {
    "sessions": sessions,
    "flash_messages": flash_messages,
    "login_attempts": login_attempts,
    "login_lockouts": login_lockouts,
    "mails": mails,
    "account_links": account_links,
    "sso_attempts": sso_attempts,
    "calendar_tokens": calendar_tokens,
    "digest_claims": digest_claims,
}


KIND_OF = {
    UserSession: "sessions",
    FlashMessage: "flash_messages",
    LoginAttempt: "login_attempts",
    LoginLockout: "login_lockouts",
    OutboxMessage: "mails",
    AccountLink: "account_links",
    SsoAttempt: "sso_attempts",
    CalendarFeedToken: "calendar_tokens",
    ReminderSent: "digest_claims",
}


def counted(report: HousekeepingReport) -> Counter[str]:
    """The report's non-zero counts per kind."""
    return Counter({kind: getattr(report, kind) for kind in LABELS if getattr(report, kind)})


def store(db: Session, rows: Rows) -> tuple[set[object], set[object]]:
    """Store the rows; the identities of those to be removed and of those to be kept."""
    removed, kept = rows
    sessions_first = sorted([*kept, *removed], key=lambda row: not isinstance(row, UserSession))
    for row in sessions_first:
        db.add(row)
        db.flush()
    db.commit()
    return {inspect(row).identity_key for row in removed}, {
        inspect(row).identity_key for row in kept
    }


def remaining(db: Session, table: type[SQLModel]) -> set[object]:
    return {inspect(row).identity_key for row in db.exec(select(table)).all()}


def test_every_kind_is_covered() -> None:
    assert set(KINDS) == set(KIND_OF.values()) == set(LABELS)


@pytest.mark.parametrize("kind", KINDS)
def test_removes_what_is_old_or_expired_and_keeps_what_is_younger(
    db: Session, settings: Settings, people: tuple[User, User], kind: str
) -> None:
    removed, kept = store(db, KINDS[kind](settings, *people))

    report = clean_up(db, now=NOW, settings=settings)
    db.rollback()  # nothing left to undo: clean_up committed

    assert counted(report) == Counter(KIND_OF[table] for table, *_ in removed)
    tables = {table for table, *_ in removed | kept}
    assert set().union(*(remaining(db, table) for table in tables)) == kept


def test_sessions_go_exactly_when_the_login_rules_say_they_have_ended(
    db: Session, settings: Settings, people: tuple[User, User]
) -> None:
    ended, live = sessions(settings, *people)

    assert all(is_expired(row, settings, NOW) for row in ended)
    assert not any(is_expired(row, settings, NOW) for row in live)


def stored_everything(db: Session, settings: Settings, people: tuple[User, User]) -> set[object]:
    """One of every case stored; the identities of every row."""
    identities: set[object] = set()
    for make in KINDS.values():
        removed, kept = store(db, make(settings, *people))
        identities |= removed | kept
    return identities


def all_rows(db: Session) -> set[object]:
    return set().union(*(remaining(db, table) for table in [*KIND_OF, User, AuditEvent]))


def test_a_dry_run_removes_nothing_and_reports_what_the_real_run_removes(
    db: Session, settings: Settings, people: tuple[User, User]
) -> None:
    stored_everything(db, settings, people)
    before = all_rows(db)

    dry = clean_up(db, now=NOW, settings=settings, dry_run=True)
    db.rollback()  # a dry run leaves nothing pending either

    assert all_rows(db) == before
    real = clean_up(db, now=NOW, settings=settings)
    assert dry == real
    assert len(before) - len(all_rows(db)) == counted(real).total()


def test_audit_events_and_accounts_stay(
    db: Session, settings: Settings, people: tuple[User, User]
) -> None:
    stored_everything(db, settings, people)
    anonymous = Actor(user=None, organisation_name=None, client_address="192.0.2.1")
    audit.record(db, action="inloggen", actor=anonymous, outcome=audit.Outcome.FAILURE)
    db.commit()
    kept = {key for key in all_rows(db) if key[0] in (User, AuditEvent)}

    clean_up(db, now=NOW + 365 * DAY, settings=settings)

    assert {key for key in all_rows(db) if key[0] in (User, AuditEvent)} == kept


def statements_of_clean_up(engine: Engine, db: Session, settings: Settings, dry_run: bool) -> int:
    """How many statements clean_up sends, but for SQLite's BEGIN."""
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        clean_up(db, now=NOW, settings=settings, dry_run=dry_run)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len([statement for statement in statements if not statement.startswith("BEGIN")])


@pytest.mark.parametrize("dry_run", [False, True])
def test_one_statement_per_kind_however_many_rows(
    engine: Engine, db: Session, settings: Settings, dry_run: bool
) -> None:
    assert statements_of_clean_up(engine, db, settings, dry_run) == len(LABELS)
    db.rollback()

    for _ in range(3):
        stored_everything(db, settings, (make_user(db), make_user(db, active=False)))

    assert statements_of_clean_up(engine, db, settings, dry_run) == len(LABELS)


def test_the_report_names_in_dutch_each_kind_with_something_to_remove() -> None:
    counts = dict.fromkeys(LABELS, 0) | {"sessions": 3, "mails": 12}

    assert HousekeepingReport(**counts).lines() == [
        "verlopen sessies: 3",
        "verzonden of opgegeven e-mails ouder dan 30 dagen: 12",
    ]
    assert HousekeepingReport(**dict.fromkeys(LABELS, 0)).lines() == []
