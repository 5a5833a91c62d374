"""Two first logins of the same person at the same moment (two tabs, each back from the
provider) on real PostgreSQL: the second waits for the first's account or link, and then ends as
if it came after it, never with an error."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, col, select

from app import audit
from app.audit import AuditEvent
from app.auth.service import LoggedIn
from app.config import OidcProvider, Settings
from app.db import make_engine
from app.sso import service
from app.sso.models import SsoLink
from app.users.models import User
from tests.conftest import settings_for
from tests.factories import make_organisation, make_user

WAIT_SECONDS = 10
EMAIL = "nora@dorpsveen.example"
CLAIMS = {"sub": "nora-123", "email": EMAIL, "name": "Nora Nieuw"}
PROVIDER = OidcProvider(
    name="dorpsveen",
    label="Inloggen met Gemeente Dorpsveen-account",
    issuer="https://login.dorpsveen.example",
    client_id="casustafel",
    client_secret="geheim",
    organisation="Gemeente Dorpsveen",
    trusted=True,
)
Result = LoggedIn | service.WaitingForAdmission


@dataclass(frozen=True)
class Tab:
    """How a tab's login ended, read while its session is open."""

    result: Result
    user_id: int | None

    @classmethod
    def of(cls, result: Result) -> "Tab":
        return cls(result=result, user_id=result.user.id)


@pytest.fixture
def engine(postgresql_url: str) -> Iterator[Engine]:
    engine = make_engine(postgresql_url)
    yield engine
    engine.dispose()


@pytest.fixture
def dorpsveen_id(engine: Engine) -> int:
    """The provider's organisation, where its new accounts go."""
    with Session(engine) as setup:
        organisation_id = make_organisation(setup, name=PROVIDER.organisation).id
    assert organisation_id is not None
    return organisation_id


@pytest.fixture
def race_settings(postgresql_url: str) -> Settings:
    return settings_for(postgresql_url)


def log_in(session: Session, settings: Settings) -> Result:
    return service.log_in(
        session,
        provider=PROVIDER,
        claims=CLAIMS,
        client_address="127.0.0.1",
        user_agent="tabblad",
        previous_token=None,
        settings=settings,
    )


def wait_for_a_blocked_transaction(engine: Engine) -> None:
    """Until another transaction waits for a lock the caller holds (its new row, or the audit
    chain's lock); there is nothing to be told, so the server is asked now and then."""
    deadline = time.monotonic() + WAIT_SECONDS
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            watcher.rollback()
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("de tweede inlog wachtte niet op de eerste")


def race(engine: Engine, settings: Settings) -> tuple[Tab, Tab]:
    """The first tab gets as far as committing its account or link; the second then logs in,
    and waits on it; only then does the first commit."""
    first_ready_to_commit = threading.Event()

    with Session(engine) as first_tab, Session(engine) as second_tab:

        @event.listens_for(first_tab, "before_commit", once=True)
        def _hold_commit(_session: Session) -> None:
            first_ready_to_commit.set()
            wait_for_a_blocked_transaction(engine)

        def second() -> Result:
            assert first_ready_to_commit.wait(WAIT_SECONDS)
            return log_in(second_tab, settings)

        with ThreadPoolExecutor(max_workers=2) as pool:
            first_result = pool.submit(log_in, first_tab, settings)
            second_result = pool.submit(second)
            return Tab.of(first_result.result()), Tab.of(second_result.result())


def actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


@pytest.mark.usefixtures("dorpsveen_id")
def test_second_first_login_waits_for_the_account_the_first_created(
    engine: Engine, race_settings: Settings
) -> None:
    first, second = race(engine, race_settings)

    assert isinstance(first.result, service.WaitingForAdmission)
    assert isinstance(second.result, service.WaitingForAdmission)
    assert first.result.created and not second.result.created
    with Session(engine) as session:
        [user] = session.exec(select(User)).all()
        [link] = session.exec(select(SsoLink)).all()
        assert (user.email, user.awaiting_admission) == (EMAIL, True)
        assert first.user_id == second.user_id == user.id == link.user_id
        assert actions(session).count("gebruiker.aangemaakt") == 1
        assert actions(session).count("inloggen") == 2
        assert audit.check_chain(session).broken is None


def test_second_first_login_waits_for_the_link_the_first_made(
    engine: Engine, race_settings: Settings, dorpsveen_id: int
) -> None:
    with Session(engine) as setup:
        make_user(setup, email=EMAIL, organisation_id=dorpsveen_id)

    first, second = race(engine, race_settings)

    assert isinstance(first.result, LoggedIn)
    assert isinstance(second.result, LoggedIn)
    assert first.result.token != second.result.token
    with Session(engine) as session:
        [user] = session.exec(select(User)).all()
        [link] = session.exec(select(SsoLink)).all()
        assert first.user_id == second.user_id == user.id == link.user_id
        assert actions(session).count("organisatieaccount.gekoppeld") == 1
        assert "gebruiker.aangemaakt" not in actions(session)
        assert audit.check_chain(session).broken is None
