"""CSRF protection: a token bound to the session (or, before login, to a pre-session cookie)."""

import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.sessions import SESSION_COOKIE

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
PRE_SESSION_COOKIE = "casustafel_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(Exception):
    """A state-changing request came without a valid CSRF token."""


def _binding(request: Request) -> str | None:
    return (
        request.cookies.get(SESSION_COOKIE)
        or request.cookies.get(PRE_SESSION_COOKIE)
        or request.scope.get("state", {}).get("pre_session")
    )


def csrf_token(request: Request) -> str:
    """The token forms and htmx requests must send back; empty when nothing binds it yet."""
    binding = _binding(request)
    if not binding:
        return ""
    secret = request.app.state.settings.secret_key.encode()
    return hmac.new(secret, f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuse a state-changing request whose token does not match."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    expected = csrf_token(request)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRejected


class PreSessionCookieMiddleware:
    """Gives a visitor without any cookie a random pre-session value to bind the CSRF token to."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_binding_cookie(scope):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["pre_session"] = value
        cookie = f"{PRE_SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"
        if self.secure:
            cookie += "; Secure"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _has_binding_cookie(scope: Scope) -> bool:
    cookie_header = dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")
    names = {part.split("=", 1)[0].strip() for part in cookie_header.split(";")}
    return SESSION_COOKIE in names or PRE_SESSION_COOKIE in names
