"""Request dependencies: who is asking, and may they."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.audit import Actor
from app.db import SessionDep, utcnow
from app.errors import ConfirmationRequired, Forbidden, LoginRequired
from app.flash import take_waiting
from app.security import permissions
from app.security.csrf import SAFE_METHODS
from app.security.proxies import client_address_behind
from app.security.sessions import (
    SESSION_COOKIE,
    SessionStage,
    UserSession,
    is_confirmed_since,
    live_session,
)
from app.users import service as user_service
from app.users.models import User


def client_address(request: Request) -> str:
    """The client's address (for the logging and the login throttle): the peer, or whom a proxy
    in CASUSTAFEL_TRUSTED_PROXIES says it forwarded for."""
    peer = request.client.host if request.client else None
    return client_address_behind(peer, request.headers, request.app.state.settings.trusted_proxies)


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The logged-in, active user, or None; also made available to templates."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    take_waiting(session, request)
    live = live_session(session, token=token, settings=request.app.state.settings)
    if live is None:
        return None
    user_session, user = live
    # Kept for the step-up check and the login page, which need no second look-up then.
    request.state.user_session = user_session
    if user_session.stage != SessionStage.FULL or not user_service.is_active(user):
        return None
    request.state.user = user
    request.state.user_id = user.id  # for the access log, after the session has closed
    return user


def pending_stage(request: Request) -> SessionStage | None:
    """The stage of a login still waiting for its second factor (after optional_user ran)."""
    user_session: UserSession | None = getattr(request.state, "user_session", None)
    if user_session is None or user_session.stage == SessionStage.FULL:
        return None
    return user_session.stage


OptionalUser = Annotated[User | None, Depends(optional_user)]


@dataclass(frozen=True)
class PendingLogin:
    """A login whose first factor is in and whose second is still to come."""

    user: User
    stage: SessionStage
    token: str


def pending_login(request: Request, session: SessionDep) -> PendingLogin:
    """The session that waits for a second factor; anyone else is sent to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    if token is None:
        raise LoginRequired
    live = live_session(session, token=token, settings=request.app.state.settings)
    if live is None or live[0].stage == SessionStage.FULL:
        raise LoginRequired
    user_session, user = live
    if not user_service.is_active(user):
        raise LoginRequired
    return PendingLogin(user=user, stage=user_session.stage, token=token)


PendingLoginDep = Annotated[PendingLogin, Depends(pending_login)]


# Pure checks on what is already loaded run on the event loop: no thread hop per request.
async def require_user(user: OptionalUser) -> User:
    """The logged-in user; anyone else is sent to the login page."""
    if user is None:
        raise LoginRequired
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def ensure_confirmed(request: Request) -> None:
    """Step-up: the logged-in user proved who they are within the step-up window (second factor,
    fresh SSO login, or a login that needed no factor); else a page first asks for that proof
    (/bevestigen), and a form is refused."""
    user_session: UserSession = request.state.user_session
    since = utcnow() - request.app.state.settings.step_up_window
    if not is_confirmed_since(user_session, since):
        raise ConfirmationRequired


async def require_confirmation(request: Request, user: CurrentUser) -> User:
    """The logged-in user, confirmed recently enough (see ensure_confirmed)."""
    ensure_confirmed(request)
    return user


Confirmed = Annotated[User, Depends(require_confirmation)]


async def current_actor(request: Request, user: CurrentUser) -> Actor:
    """The logged-in user as the actor of audited use cases."""
    return Actor(
        user=user, organisation_name=user.organisation.name, client_address=client_address(request)
    )


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def refuse_read_only(request: Request, user: OptionalUser) -> None:
    """Router dependency: a state-changing request of a read-only user (the FG) gets a 403
    before the route loads anything. create_app() puts it on every router but the own-account
    ones (login, logout, keeping the session alive, own password, own calendar link)."""
    if request.method in SAFE_METHODS or user is None or permissions.can_change_data(user):
        return
    raise Forbidden


def allowed(rule: Callable[[User], bool]) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets through only users the rule allows (others get 403)."""

    async def check(user: CurrentUser) -> User:
        if not rule(user):
            raise Forbidden
        return user

    return check


AccountManager = Annotated[User, Depends(allowed(permissions.can_manage_accounts))]
AuditReader = Annotated[User, Depends(allowed(permissions.can_read_audit_log))]
CovenantManager = Annotated[User, Depends(allowed(permissions.can_manage_covenants))]
CovenantReader = Annotated[User, Depends(allowed(permissions.can_view_covenants))]
SeriesPlanner = Annotated[User, Depends(allowed(permissions.can_plan))]
RetentionReader = Annotated[User, Depends(allowed(permissions.can_see_retention))]
RetentionManager = Annotated[User, Depends(allowed(permissions.can_change_retention))]
