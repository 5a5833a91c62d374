"""Passkeys: the options and answers of the browser's passkey ceremony (static/js/passkey.js),
for the login's second step, the step-up confirmation and adding a passkey. Each answer is JSON:
the options, where to go next, or a Dutch message (and the field it belongs beside)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from app.auth.routes import safe_next
from app.db import SessionDep
from app.errors import DomainError, LoginRequired, NotFound
from app.factors import passkeys, queries
from app.factors import service as factor_service
from app.factors.models import PasskeyAdd
from app.factors.routes import RECOVERY_CODES_PAGE
from app.flash import flash, keep_for_next_page
from app.security.deps import (
    CurrentActor,
    CurrentUser,
    OptionalUser,
    PendingLogin,
    PendingLoginDep,
    client_address,
    ensure_confirmed,
    pending_login,
)
from app.security.sessions import SESSION_COOKIE, SessionStage
from app.web import TEXT, FormValues, form_body, parse_form

router = APIRouter()


def relying_party(request: Request) -> passkeys.RelyingParty:
    """The configured relying party; without one (an IP address as host) passkeys do not exist
    here."""
    configured = passkeys.RelyingParty.from_settings(request.app.state.settings)
    if configured is None:
        raise NotFound
    return configured


RelyingPartyDep = Annotated[passkeys.RelyingParty, Depends(relying_party)]


def second_factor_login(pending: PendingLoginDep) -> PendingLogin:
    """A login waiting for its second factor; one still to set a factor up has no passkey."""
    if pending.stage != SessionStage.SECOND_FACTOR:
        raise LoginRequired
    return pending


def enrolling_account(request: Request, session: SessionDep, user: OptionalUser) -> PendingLogin:
    """Who may add a passkey: someone logged in and recently confirmed (a stolen session must not
    add a factor of its own), or a login that must set a factor up first."""
    if user is not None:
        ensure_confirmed(request)
        return PendingLogin(user=user, stage=SessionStage.FULL, token=_token(request))
    pending = pending_login(request, session)
    if pending.stage != SessionStage.ENROL:
        raise LoginRequired
    return pending


SecondFactorLogin = Annotated[PendingLogin, Depends(second_factor_login)]
EnrollingAccount = Annotated[PendingLogin, Depends(enrolling_account)]


@router.post("/inloggen/tweede-factor/passkey/opties", openapi_extra=form_body())
def login_options(session: SessionDep, pending: SecondFactorLogin, rp: RelyingPartyDep) -> Response:
    try:
        options = passkeys.authentication_options(
            session, user=pending.user, token=pending.token, relying_party=rp
        )
    except DomainError as exc:
        return _refusal(exc)
    return Response(options, media_type="application/json")


@router.post(
    "/inloggen/tweede-factor/passkey",
    openapi_extra=form_body(fields={"credential": TEXT, "volgende": TEXT}),
)
def log_in(
    request: Request,
    session: SessionDep,
    pending: SecondFactorLogin,
    rp: RelyingPartyDep,
    form: FormValues,
) -> Response:
    try:
        passkeys.prove_with_passkey(
            session,
            user=pending.user,
            token=pending.token,
            credential=_credential(form),
            relying_party=rp,
            by=factor_service.actor_of(pending.user, client_address(request)),
            for_login=True,
        )
    except DomainError as exc:
        return _refusal(exc)
    return _go_on(request, session, safe_next(form.get("volgende")))


@router.post("/bevestigen/passkey/opties", openapi_extra=form_body())
def step_up_options(
    request: Request, session: SessionDep, user: CurrentUser, rp: RelyingPartyDep
) -> Response:
    try:
        options = passkeys.authentication_options(
            session, user=user, token=_token(request), relying_party=rp
        )
    except DomainError as exc:
        return _refusal(exc)
    return Response(options, media_type="application/json")


@router.post(
    "/bevestigen/passkey", openapi_extra=form_body(fields={"credential": TEXT, "volgende": TEXT})
)
def step_up(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: CurrentActor,
    rp: RelyingPartyDep,
    form: FormValues,
) -> Response:
    try:
        passkeys.prove_with_passkey(
            session,
            user=user,
            token=_token(request),
            credential=_credential(form),
            relying_party=rp,
            by=actor,
            for_login=False,
        )
    except DomainError as exc:
        return _refusal(exc)
    return _go_on(request, session, safe_next(form.get("volgende")))


@router.post("/account/passkeys/opties", openapi_extra=form_body(PasskeyAdd))
def add_options(
    session: SessionDep, form: FormValues, account: EnrollingAccount, rp: RelyingPartyDep
) -> Response:
    try:
        _named(form)
        options = passkeys.registration_options(
            session, user=account.user, token=account.token, relying_party=rp
        )
    except DomainError as exc:
        return _refusal(exc)
    return Response(options, media_type="application/json")


@router.post(
    "/account/passkeys",
    openapi_extra=form_body(PasskeyAdd, fields={"credential": TEXT, "volgende": TEXT}),
)
def add(
    request: Request,
    session: SessionDep,
    form: FormValues,
    account: EnrollingAccount,
    rp: RelyingPartyDep,
) -> Response:
    actor = factor_service.actor_of(account.user, client_address(request))
    try:
        data = _named(form)
        passkeys.add_passkey(
            session,
            user=account.user,
            token=account.token,
            stage=account.stage,
            label=data.passkey_label,
            credential=_credential(form),
            relying_party=rp,
            by=actor,
        )
    except DomainError as exc:
        return _refusal(exc)
    flash(request, f"Passkey „{data.passkey_label}” toegevoegd.")
    next_path = safe_next(form.get("volgende"))
    if not queries.recovery_codes_left(session, user_id=account.user.id):
        next_path = f"{RECOVERY_CODES_PAGE}?{urlencode({'volgende': next_path})}"
    return _go_on(request, session, next_path)


def _token(request: Request) -> str:
    # The dependencies that let the request through found a live session behind this cookie.
    return request.cookies.get(SESSION_COOKIE, "")


def _credential(form: dict[str, object]) -> str:
    value = form.get("credential")
    return value if isinstance(value, str) else ""


def _named(form: dict[str, object]) -> PasskeyAdd:
    """The new passkey's name, or a refusal beside its field."""
    label = form.get("passkey_label")
    data, errors = parse_form(
        PasskeyAdd, {"passkey_label": label.strip() if isinstance(label, str) else ""}
    )
    if data is None:
        raise DomainError(errors["passkey_label"], field="passkey_label")
    return data


def _refusal(exc: DomainError) -> Response:
    return JSONResponse({"message": exc.message, "field": exc.field}, status_code=422)


def _go_on(request: Request, session: SessionDep, location: str) -> Response:
    """Where the browser goes after the ceremony; what was flashed shows there."""
    response = JSONResponse({"location": location})
    keep_for_next_page(session, request, response)
    return response
