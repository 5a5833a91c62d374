"""Login, logout and changing one's own password."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.auth import service
from app.db import SessionDep
from app.errors import DomainError, Forbidden
from app.flash import flash, for_new_session
from app.security.csrf import PRE_SESSION_COOKIE, comes_from_elsewhere, csrf_token
from app.security.deps import (
    CurrentActor,
    CurrentUser,
    OptionalUser,
    client_address,
    pending_stage,
)
from app.security.sessions import SESSION_COOKIE, SessionStage
from app.sso.logout import logged_out_path
from app.users import service as user_service
from app.users.models import PasswordChange
from app.web import (
    TEXT,
    FormValues,
    domain_errors,
    form_body,
    redirect,
    render,
    run_form,
    session_ended,
)

router = APIRouter()

PASSWORD_CHANGED = "Uw wachtwoord is gewijzigd. U bent op andere apparaten uitgelogd."


# As long as a login attempt can keep it (SsoAttempt.next_path); no page of ours is longer.
NEXT_PATH_MAX = 500


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this site, never an open redirect; a path
    too long or with control characters (never one of our links) is the start page."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and len(target) <= NEXT_PATH_MAX
        and target.isprintable()
    ):
        return target
    return "/"


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=request.app.state.settings.secure_cookies,
    )
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")


SECOND_FACTOR_PAGES = {
    SessionStage.SECOND_FACTOR: "/inloggen/tweede-factor",
    SessionStage.ENROL: "/inloggen/tweede-factor/instellen",
}


def signed_in_response(request: Request, logged_in: service.LoggedIn, next_path: str) -> Response:
    """Where a login goes on: the page asked for, or first the second factor's page (which
    returns to that page once the factor is in)."""
    target = safe_next(next_path)
    if logged_in.stage in SECOND_FACTOR_PAGES:
        target = f"{SECOND_FACTOR_PAGES[logged_in.stage]}?{urlencode({'volgende': target})}"
    response = redirect(request, target)
    _set_session_cookie(request, response, logged_in.token)
    return response


@router.get("/inloggen")
def login_page(
    request: Request,
    user: OptionalUser,
    volgende: str | None = None,
    uitgelogd: bool = False,
) -> Response:
    if user is not None:
        return redirect(request, safe_next(volgende))
    stage = pending_stage(request)
    if stage is not None:
        # Password in, second factor not yet: that login goes on at its own page.
        target = f"{SECOND_FACTOR_PAGES[stage]}?{urlencode({'volgende': safe_next(volgende)})}"
        return redirect(request, target)
    return render(
        request,
        "auth/login.html",
        {
            "values": {"volgende": safe_next(volgende)},
            "errors": {},
            "logged_out": uitgelogd,
        },
    )


@router.post(
    "/inloggen", openapi_extra=form_body(fields={"email": TEXT, "password": TEXT, "volgende": TEXT})
)
def login(request: Request, session: SessionDep, form: FormValues) -> Response:
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    values = {"email": email, "volgende": safe_next(form.get("volgende"))}
    errors = {}
    if not email:
        errors["email"] = "Vul uw e-mailadres in."
    if not password:
        errors["password"] = "Vul uw wachtwoord in."
    if not errors:
        try:
            logged_in = service.log_in(
                session,
                email=email,
                password=password,
                client_address=client_address(request),
                user_agent=request.headers.get("user-agent"),
                previous_token=request.cookies.get(SESSION_COOKIE),
                settings=request.app.state.settings,
            )
        except DomainError as exc:
            errors = domain_errors(exc)
        else:
            return signed_in_response(request, logged_in, values["volgende"])
    return render(request, "auth/login.html", {"values": values, "errors": errors}, status_code=422)


@router.post("/uitloggen", openapi_extra=form_body())
def logout(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    target = logged_out_path(session, token=token, settings=request.app.state.settings)
    service.log_out(session, token=token, by=actor)
    response = redirect(request, target)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/sessie/actief", openapi_extra=form_body())
async def keep_alive(user: OptionalUser) -> Response:
    """The heartbeat of a page someone is working on: looking the user up touched the session,
    which is all this writes (never past its absolute limit)."""
    return session_ended() if user is None else Response(status_code=204)


@router.get("/sessie/token")
async def session_token(request: Request, user: OptionalUser) -> Response:
    """The CSRF token of the current session, for a page that outlived its own session: once the
    user has logged in again (in another tab), its requests need the new session's token."""
    if comes_from_elsewhere(request):
        raise Forbidden
    if user is None:
        return session_ended()
    return JSONResponse({"csrf_token": csrf_token(request), "user_id": user.id})


@router.get("/wachtwoord")
def password_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "auth/password.html", {"errors": {}})


@router.post("/wachtwoord", openapi_extra=form_body(PasswordChange))
def change_password(
    request: Request, session: SessionDep, user: CurrentUser, actor: CurrentActor, form: FormValues
) -> Response:
    token, errors = run_form(
        PasswordChange,
        form,
        lambda data: user_service.change_own_password(
            session,
            user=user,
            data=data,
            by=actor,
            user_agent=request.headers.get("user-agent"),
        ),
    )
    if token is not None:
        for_new_session(request, token)
        flash(request, PASSWORD_CHANGED)
        response = redirect(request, "/account")
        _set_session_cookie(request, response, token)
        return response
    return render(request, "auth/password.html", {"errors": errors}, status_code=422)
