"""Mijn account: one's own details, the weekly digest, and one's sessions on other devices."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.account import queries, service
from app.account.page import render_account
from app.db import SessionDep
from app.errors import DomainError
from app.flash import flash
from app.security import permissions
from app.security.deps import CurrentActor, CurrentUser, allowed
from app.security.sessions import SESSION_COOKIE
from app.users.models import User
from app.web import (
    TEXT,
    TICKED,
    FormErrors,
    FormValues,
    domain_errors,
    form_body,
    redirect,
    render,
)

router = APIRouter()

ACCOUNT_PAGE = "/account"
SESSIONS_PAGE = "/account/sessies"
DigestReader = Annotated[User, Depends(allowed(permissions.can_receive_task_digest))]


@router.get(ACCOUNT_PAGE)
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render_account(request, session, user)


@router.post(
    f"{ACCOUNT_PAGE}/weekoverzicht", openapi_extra=form_body(fields={"weekly_digest": TICKED})
)
def set_weekly_digest(
    request: Request,
    session: SessionDep,
    user: DigestReader,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    wanted = form.get("weekly_digest") == "true"
    service.set_weekly_digest(session, user=user, wanted=wanted, by=actor)
    flash(
        request,
        "U krijgt voortaan elke week een overzicht van uw acties per e-mail."
        if wanted
        else "U krijgt geen wekelijks overzicht van uw acties meer per e-mail.",
    )
    return redirect(request, ACCOUNT_PAGE)


def _sessions_page(
    request: Request,
    session: Session,
    user: User,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    sessions = queries.own_sessions(
        session,
        user_id=user.id,
        current_token=_current_token(request),
        settings=request.app.state.settings,
    )
    context: dict[str, Any] = {
        "sessions": sessions,
        "errors": errors or {},
        "has_password": user.password_hash is not None,
    }
    return render(request, "account/sessions.html", context, status_code=status_code)


def _current_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


@router.get(SESSIONS_PAGE)
def sessions_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _sessions_page(request, session, user)


@router.post(f"{SESSIONS_PAGE}/elders-uitloggen", openapi_extra=form_body())
def end_sessions_elsewhere(
    request: Request, session: SessionDep, user: CurrentUser, actor: CurrentActor
) -> Response:
    ended = service.end_sessions_elsewhere(
        session,
        user=user,
        keep_token=_current_token(request),
        settings=request.app.state.settings,
        by=actor,
    )
    flash(request, _ended_elsewhere(ended))
    return redirect(request, SESSIONS_PAGE)


def _ended_elsewhere(count: int) -> str:
    if count == 0:
        return "U was nergens anders ingelogd."
    devices = "1 ander apparaat" if count == 1 else f"{count} andere apparaten"
    return f"U bent op {devices} uitgelogd."


@router.post(f"{SESSIONS_PAGE}/uitloggen", openapi_extra=form_body(fields={"sessie": TEXT}))
def end_session(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    try:
        device = service.end_own_session(
            session,
            user=user,
            reference=str(form.get("sessie", "")),
            keep_token=_current_token(request),
            settings=request.app.state.settings,
            by=actor,
        )
    except DomainError as exc:
        return _sessions_page(request, session, user, domain_errors(exc), status_code=422)
    flash(request, f"De sessie ({device}) is beëindigd.")
    return redirect(request, SESSIONS_PAGE)
