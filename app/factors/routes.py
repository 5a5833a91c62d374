"""The login's second step, setting up and managing one's own second factors, recovery codes,
the step-up page, and a beheerder's reset of someone's lost factors."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.audit import Actor
from app.auth import service as auth_service
from app.auth.routes import SECOND_FACTOR_PAGES, safe_next
from app.db import RowId, SessionDep
from app.errors import DomainError, Forbidden, NotFound
from app.factors import queries, service, totp
from app.factors.models import FactorKind, SecondFactor
from app.flash import flash
from app.security.crypto import DataCipher
from app.security.deps import (
    Confirmed,
    CurrentActor,
    CurrentUser,
    OptionalUser,
    PendingLogin,
    client_address,
    pending_login,
)
from app.security.sessions import SESSION_COOKIE, SessionStage
from app.users.deps import UserDep
from app.users.models import User
from app.web import TEXT, FormErrors, FormValues, domain_errors, form_body, redirect, render

router = APIRouter()
admin_router = APIRouter()

KIND_NAMES = {FactorKind.TOTP: "Authenticator-app", FactorKind.PASSKEY: "Passkey"}
CODE_FORM = form_body(fields={"code": TEXT, "volgende": TEXT})
SET_UP_FORM = form_body(fields={"label": TEXT, "code": TEXT, "volgende": TEXT})
RECOVERY_CODES_PAGE = "/account/herstelcodes"
FACTORS_PAGE = "/account/tweede-factor"
ADD_AUTHENTICATOR_PAGE = f"{FACTORS_PAGE}/authenticator"
ENROL_PAGE = SECOND_FACTOR_PAGES[SessionStage.ENROL]


def _cipher(request: Request) -> DataCipher:
    cipher: DataCipher = request.app.state.crypto.cipher
    return cipher


def _token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def _with_next(path: str, next_path: str) -> str:
    return f"{path}?{urlencode({'volgende': next_path})}"


def _login_in_progress(
    request: Request, session: Session, user: User | None, stage: SessionStage
) -> PendingLogin | Response:
    """The login waiting at this stage; a finished one goes on, one at the other stage goes to
    its own page."""
    next_path = safe_next(request.query_params.get("volgende"))
    if user is not None:
        return redirect(request, next_path)
    pending = pending_login(request, session)
    if pending.stage != stage:
        return redirect(request, _with_next(SECOND_FACTOR_PAGES[pending.stage], next_path))
    return pending


# The login's second step.


def _second_step_page(
    request: Request,
    session: Session,
    pending: PendingLogin,
    next_path: str,
    errors: FormErrors,
    *,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "factors/second_step.html",
        {
            "next_path": next_path,
            "purpose": "inloggen",
            "errors": errors,
            "has_passkey": queries.has_passkey(session, user_id=pending.user.id),
        },
        status_code=status_code,
    )


@router.get("/inloggen/tweede-factor")
def second_step(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    pending = _login_in_progress(request, session, user, SessionStage.SECOND_FACTOR)
    if isinstance(pending, Response):
        return pending
    next_path = safe_next(request.query_params.get("volgende"))
    return _second_step_page(request, session, pending, next_path, {})


@router.post("/inloggen/tweede-factor", openapi_extra=CODE_FORM)
def enter_second_factor(
    request: Request, session: SessionDep, user: OptionalUser, form: FormValues
) -> Response:
    pending = _login_in_progress(request, session, user, SessionStage.SECOND_FACTOR)
    if isinstance(pending, Response):
        return pending
    next_path = safe_next(form.get("volgende"))
    code = str(form.get("code", ""))
    if not code.strip():
        errors = {"code": "Vul een code in."}
        return _second_step_page(request, session, pending, next_path, errors, status_code=422)
    try:
        proof = service.prove_second_factor(
            session,
            user=pending.user,
            token=pending.token,
            code=code,
            cipher=_cipher(request),
            settings=request.app.state.settings,
            by=service.actor_of(pending.user, client_address(request)),
            for_login=True,
        )
    except DomainError as exc:
        errors = domain_errors(exc)
        return _second_step_page(request, session, pending, next_path, errors, status_code=422)
    if proof.recovery_codes_left is not None:
        flash(request, _recovery_code_used(proof.recovery_codes_left))
    return redirect(request, next_path)


def _recovery_code_used(left: int) -> str:
    if left == 0:
        return "U heeft uw laatste herstelcode gebruikt. Maak nu nieuwe herstelcodes."
    return f"Herstelcode gebruikt. U heeft er nog {left} over."


@router.post("/inloggen/tweede-factor/annuleren", openapi_extra=form_body())
def cancel_login(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Stop a login that waits for its second factor (or log out, if it was done already)."""
    person = user or pending_login(request, session).user
    auth_service.log_out(
        session, token=_token(request), by=service.actor_of(person, client_address(request))
    )
    response = redirect(request, "/inloggen?uitgelogd=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# Setting up an authenticator app: at the login (stage ENROL) or from the account's page.


def _set_up_page(
    request: Request,
    session: Session,
    user: User,
    *,
    values: dict[str, Any],
    errors: FormErrors,
    at_login: bool,
) -> Response:
    secret = service.secret_to_set_up(
        session, user=user, token=_token(request), cipher=_cipher(request)
    )
    return render(
        request,
        "factors/set_up.html",
        {
            "secret": totp.grouped(secret),
            "qr_svg": totp.qr_svg(secret, account_name=user.email),
            "values": values,
            "errors": errors,
            "at_login": at_login,
            "action": ENROL_PAGE if at_login else ADD_AUTHENTICATOR_PAGE,
            "next_path": values["volgende"],
            "purpose": "inrichten",
        },
        status_code=422 if errors else 200,
    )


def _set_up(
    request: Request, session: Session, user: User, form: dict[str, Any], *, at_login: bool
) -> Response:
    values = {"label": str(form.get("label", "")), "volgende": safe_next(form.get("volgende"))}
    errors = {} if str(form.get("code", "")).strip() else {"code": "Vul de code uit de app in."}
    if not errors:
        try:
            service.set_up_authenticator(
                session,
                user=user,
                token=_token(request),
                label=values["label"],
                code=str(form.get("code", "")),
                cipher=_cipher(request),
                by=service.actor_of(user, client_address(request)),
            )
        except DomainError as exc:
            errors = domain_errors(exc)
    if errors:
        return _set_up_page(request, session, user, values=values, errors=errors, at_login=at_login)
    flash(request, f"Authenticator-app {values['label'].strip()} ingesteld.")
    if queries.recovery_codes_left(session, user_id=user.id) == 0:
        return redirect(request, _with_next(RECOVERY_CODES_PAGE, values["volgende"]))
    return redirect(request, values["volgende"])


@router.get(ENROL_PAGE)
def enrol_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    pending = _login_in_progress(request, session, user, SessionStage.ENROL)
    if isinstance(pending, Response):
        return pending
    values = {"label": "", "volgende": safe_next(request.query_params.get("volgende"))}
    return _set_up_page(request, session, pending.user, values=values, errors={}, at_login=True)


@router.post(ENROL_PAGE, openapi_extra=SET_UP_FORM)
def enrol(request: Request, session: SessionDep, user: OptionalUser, form: FormValues) -> Response:
    pending = _login_in_progress(request, session, user, SessionStage.ENROL)
    if isinstance(pending, Response):
        return pending
    return _set_up(request, session, pending.user, form, at_login=True)


@router.get(ADD_AUTHENTICATOR_PAGE)
def add_authenticator_page(request: Request, session: SessionDep, user: Confirmed) -> Response:
    values = {"label": "", "volgende": FACTORS_PAGE}
    return _set_up_page(request, session, user, values=values, errors={}, at_login=False)


@router.post(ADD_AUTHENTICATOR_PAGE, openapi_extra=SET_UP_FORM)
def add_authenticator(
    request: Request, session: SessionDep, user: Confirmed, form: FormValues
) -> Response:
    return _set_up(request, session, user, form | {"volgende": FACTORS_PAGE}, at_login=False)


# One's own factors and recovery codes.


@router.get(FACTORS_PAGE)
def factors_page(request: Request, session: SessionDep, user: Confirmed) -> Response:
    return render(
        request,
        "factors/overview.html",
        {
            "factors": queries.factors_of(session, user_id=user.id),
            "kind_names": KIND_NAMES,
            "codes_left": queries.recovery_codes_left(session, user_id=user.id),
            "required": request.app.state.settings.second_factor_required,
            "next_path": FACTORS_PAGE,
            "purpose": "inrichten",
        },
    )


def _own_factor(session: Session, user: User, factor_id: int) -> SecondFactor:
    factor = queries.own_factor(session, user_id=user.id, factor_id=factor_id)
    if factor is None:
        raise NotFound
    return factor


def _remove_page(
    request: Request, factor: SecondFactor, errors: FormErrors, *, status_code: int = 200
) -> Response:
    return render(
        request,
        "factors/remove.html",
        {"factor": factor, "kind_names": KIND_NAMES, "errors": errors},
        status_code=status_code,
    )


@router.get(f"{FACTORS_PAGE}/{{factor_id}}/verwijderen")
def remove_page(
    request: Request, session: SessionDep, factor_id: RowId, user: Confirmed
) -> Response:
    return _remove_page(request, _own_factor(session, user, factor_id), {})


@router.post(f"{FACTORS_PAGE}/{{factor_id}}/verwijderen", openapi_extra=form_body())
def remove(
    request: Request, session: SessionDep, factor_id: RowId, user: Confirmed, actor: CurrentActor
) -> Response:
    factor = _own_factor(session, user, factor_id)
    try:
        label = service.remove_factor(
            session,
            user=user,
            factor_id=factor_id,
            settings=request.app.state.settings,
            by=actor,
        )
    except DomainError as exc:
        return _remove_page(request, factor, domain_errors(exc), status_code=422)
    flash(request, f"Tweede factor {label} verwijderd.")
    return redirect(request, FACTORS_PAGE)


def _codes_page(request: Request, codes: list[str], codes_left: int) -> Response:
    return render(
        request,
        "factors/recovery_codes.html",
        {
            "codes": codes,
            "codes_left": codes_left,
            "next_path": safe_next(request.query_params.get("volgende") or FACTORS_PAGE),
        },
    )


@router.get(RECOVERY_CODES_PAGE)
def recovery_codes_page(
    request: Request, session: SessionDep, user: Confirmed, actor: CurrentActor
) -> Response:
    """How many codes are left; right after the first factor is set up (no codes yet), the
    ten new codes, shown this once."""
    left = queries.recovery_codes_left(session, user_id=user.id)
    if left or not queries.has_second_factor(session, user_id=user.id):
        return _codes_page(request, [], left)
    codes = service.make_recovery_codes(session, user=user, by=actor)
    return _codes_page(request, codes, len(codes))


@router.post(RECOVERY_CODES_PAGE, openapi_extra=form_body())
def new_recovery_codes(
    request: Request, session: SessionDep, user: Confirmed, actor: CurrentActor
) -> Response:
    if not queries.has_second_factor(session, user_id=user.id):
        return redirect(request, FACTORS_PAGE)
    codes = service.make_recovery_codes(session, user=user, by=actor)
    flash(request, "Nieuwe herstelcodes gemaakt; de oude werken niet meer.")
    return _codes_page(request, codes, len(codes))


# Step-up: proving again who one is before a dangerous action.


def _confirm_page(
    request: Request,
    session: Session,
    user: User,
    next_path: str,
    errors: FormErrors,
    *,
    status_code: int = 200,
) -> Response:
    user_session = request.state.user_session
    return render(
        request,
        "factors/confirm.html",
        {
            "has_factor": queries.has_second_factor(session, user_id=user.id),
            "has_passkey": queries.has_passkey(session, user_id=user.id),
            "sso_provider": user_session.sso_provider,
            "has_password": user.password_hash is not None,
            "next_path": next_path,
            "purpose": "bevestigen",
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/bevestigen")
def confirm_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    next_path = safe_next(request.query_params.get("volgende"))
    return _confirm_page(request, session, user, next_path, {})


@router.post(
    "/bevestigen",
    openapi_extra=form_body(fields={"code": TEXT, "password": TEXT, "volgende": TEXT}),
)
def confirm(
    request: Request, session: SessionDep, user: CurrentUser, actor: CurrentActor, form: FormValues
) -> Response:
    next_path = safe_next(form.get("volgende"))
    try:
        proof = _prove(request, session, user, actor, form)
    except DomainError as exc:
        errors = domain_errors(exc)
        return _confirm_page(request, session, user, next_path, errors, status_code=422)
    left = proof.recovery_codes_left if proof else None
    flash(request, "Bevestigd." if left is None else _recovery_code_used(left))
    return redirect(request, next_path)


def _prove(
    request: Request, session: Session, user: User, actor: Actor, form: dict[str, Any]
) -> service.Proof | None:
    """A code (or, for an account without a factor, the password) proves the user again; the
    proof of a code, None for the password."""
    settings = request.app.state.settings
    if "password" in form:
        password = str(form["password"])
        if not password:
            raise DomainError("Vul uw wachtwoord in.", field="password")
        service.confirm_with_password(
            session,
            user=user,
            token=_token(request),
            password=password,
            settings=settings,
            by=actor,
        )
        return None
    code = str(form.get("code", ""))
    if not code.strip():
        raise DomainError("Vul een code in.", field="code")
    return service.prove_second_factor(
        session,
        user=user,
        token=_token(request),
        code=code,
        cipher=_cipher(request),
        settings=settings,
        by=actor,
        for_login=False,
    )


# A beheerder resets someone's lost factors.


@admin_router.post("/gebruikers/{user_id}/tweede-factor/herstellen", openapi_extra=form_body())
def reset_factors(
    request: Request,
    session: SessionDep,
    user: UserDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
) -> Response:
    try:
        service.reset_factors(session, user=user, by=actor)
    except DomainError as exc:
        raise Forbidden from exc  # the page offers no reset of one's own factors
    flash(
        request,
        f"Tweede factor van {user.name} hersteld: bij de volgende inlog stelt deze "
        "persoon een nieuwe in.",
    )
    return redirect(request, f"/gebruikers/{user.id}")
