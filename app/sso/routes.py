"""Inloggen met organisatieaccount: to the provider and back, and logging out there too."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.routes import safe_next, signed_in_response
from app.config import OidcProvider
from app.db import SessionDep
from app.errors import NotFound
from app.security.csrf import pre_login_binding
from app.security.deps import OptionalUser, client_address
from app.security.sessions import SESSION_COOKIE
from app.sso import client as sso_client
from app.sso import service
from app.sso.client import ProviderFailure
from app.sso.logout import LOGGED_OUT_PATH, end_session_url
from app.sso.models import SsoAttempt
from app.web import redirect, render

router = APIRouter()


def _provider(request: Request, name: str) -> OidcProvider:
    provider = request.app.state.settings.oidc_provider(name)
    if provider is None:
        raise NotFound
    return provider


def redirect_uri(request: Request, provider: OidcProvider) -> str:
    """Where the provider sends the browser back to (registered there as the redirect URI)."""
    base_url = request.app.state.settings.base_url.rstrip("/")
    return f"{base_url}/inloggen/sso/{provider.name}/terug"


def _refused(request: Request, message: str, status_code: int = 422) -> Response:
    return render(
        request,
        "auth/login.html",
        {"values": {"volgende": "/"}, "errors": {"__all__": message}},
        status_code=status_code,
    )


def _failed(
    request: Request, session: SessionDep, provider: OidcProvider, failure: ProviderFailure
) -> Response:
    """The login page with what went wrong at the provider, in words the person can act on."""
    service.record_failure(
        session, provider=provider, reason=failure.reason, client_address=client_address(request)
    )
    if failure.unavailable:
        message = (
            f"{provider.label} lukt nu niet: de inlogdienst van uw organisatie is niet bereikbaar. "
            "Probeer het later opnieuw, of log in met uw e-mailadres en wachtwoord."
        )
        return _refused(request, message, status_code=503)
    message = (
        f"{provider.label} is niet gelukt. Probeer het opnieuw; lukt het weer niet, "
        "neem dan contact op met uw beheerder."
    )
    return _refused(request, message)


@router.get("/inloggen/sso/{name}")
def to_provider(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    name: str,
    volgende: str | None = None,
) -> Response:
    """Send the browser to the provider's login, with a fresh attempt kept here."""
    provider = _provider(request, name)
    if user is not None:
        return redirect(request, safe_next(volgende))
    try:
        # Nothing is stored for a provider that is down or answers nonsense.
        sso_client.discovery(provider)
        attempt = service.start_attempt(
            session,
            provider=provider,
            binding=pre_login_binding(request),
            next_path=safe_next(volgende),
        )
        url = sso_client.authorization_url(
            provider,
            redirect_uri=redirect_uri(request, provider),
            state=attempt.state,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
        )
    except ProviderFailure as failure:
        return _failed(request, session, provider, failure)
    return RedirectResponse(url, status_code=303)


def _claims(
    request: Request,
    provider: OidcProvider,
    attempt: SsoAttempt,
    *,
    code: str,
    error: str,
    iss: str | None,
) -> dict[str, Any]:
    """The verified ID token's claims for the code the provider sent back."""
    if error or not code:
        raise ProviderFailure("aanbieder gaf geen code")
    # RFC 9207: a provider that names itself in the answer must be the one we asked.
    if iss is not None and iss.rstrip("/") != provider.issuer_url:
        raise ProviderFailure("issuer klopt niet")
    return sso_client.id_token_claims(
        provider,
        code=code,
        redirect_uri=redirect_uri(request, provider),
        code_verifier=attempt.code_verifier,
        nonce=attempt.nonce,
    )


@router.get("/inloggen/sso/{name}/terug")
def from_provider(
    request: Request,
    session: SessionDep,
    name: str,
    state: str = "",
    code: str = "",
    error: str = "",
    iss: str | None = None,
) -> Response:
    """The provider sends the browser back: check the attempt and the ID token, then log in."""
    provider = _provider(request, name)
    address = client_address(request)
    try:
        attempt = service.take_attempt(
            session,
            provider=provider,
            state=state,
            binding=pre_login_binding(request),
            client_address=address,
        )
    except service.SsoRefused as exc:
        return _refused(request, exc.message)
    try:
        claims = _claims(request, provider, attempt, code=code, error=error, iss=iss)
    except ProviderFailure as failure:
        return _failed(request, session, provider, failure)
    try:
        result = service.log_in(
            session,
            provider=provider,
            claims=claims,
            client_address=address,
            user_agent=request.headers.get("user-agent"),
            previous_token=request.cookies.get(SESSION_COOKIE),
            settings=request.app.state.settings,
        )
    except service.SsoRefused as exc:
        return _refused(request, exc.message)
    if isinstance(result, service.WaitingForAdmission):
        return render(
            request,
            "sso/awaiting_admission.html",
            {"provider": provider, "created": result.created},
        )
    return signed_in_response(request, result, attempt.next_path)


@router.get("/uitloggen/sso/{name}")
def log_out_at_provider(request: Request, name: str) -> Response:
    """After logging out here: on to the provider's own logout (RP-initiated logout)."""
    url = end_session_url(_provider(request, name), settings=request.app.state.settings)
    return RedirectResponse(url or LOGGED_OUT_PATH, status_code=303)
