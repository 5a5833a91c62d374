"""CSRF protection: a token bound to the session (or, before login, to a pre-session cookie),
and a refusal of what the browser says came from another site."""

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.sessions import SESSION_COOKIE

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
PRE_SESSION_COOKIE = "casustafel_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


class CsrfRejected(Exception):
    """A state-changing request came without a valid CSRF token."""


def _binding(request: Request) -> str | None:
    return (
        request.cookies.get(SESSION_COOKIE)
        or request.cookies.get(PRE_SESSION_COOKIE)
        or request.scope.get("state", {}).get("pre_session")
    )


def pre_login_binding(request: Request) -> str:
    """What ties a login attempt to this browser: the value its CSRF token is bound to (the
    middleware below gives every visitor one)."""
    binding = _binding(request)
    if not binding:
        raise CsrfRejected
    return binding


def csrf_token(request: Request) -> str:
    """The token forms and htmx requests must send back; empty when nothing binds it yet."""
    binding = _binding(request)
    if not binding:
        return ""
    secret = request.app.state.settings.secret_key.encode()
    return hmac.new(secret, f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def _origin(value: str) -> Origin | None:
    """Scheme, host and port of an origin such as https://host:8443; None for anything else
    (including the `null` a browser sends for an opaque origin)."""
    try:
        parts = urlsplit(value.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def comes_from_elsewhere(request: Request) -> bool:
    """Whether the browser says another site made this request: `Sec-Fetch-Site: cross-site`, or
    an Origin other than the request's own scheme, host and port and the allowed origins.
    Without either header (older clients) the token alone decides."""
    fetch_site = request.headers.get("sec-fetch-site", "").strip().lower()
    if fetch_site == "cross-site":
        return True
    sent = request.headers.get("origin")
    if sent is None:
        return False
    # Our Referrer-Policy (no-referrer) makes a browser send `Origin: null` with a plain form
    # posted from our own page; only the browser's own word that it is same-origin lets that by.
    if sent.strip() == "null" and fetch_site == "same-origin":
        return False
    own = _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")
    allowed = {_origin(origin) for origin in request.app.state.settings.allowed_origins}
    origin = _origin(sent)
    return origin is None or (origin != own and origin not in allowed)


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuse a state-changing request from another site, or whose token
    does not match."""
    if request.method in SAFE_METHODS:
        return
    if comes_from_elsewhere(request):
        raise CsrfRejected
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
        # Not on static files: shared caches may keep those (Cache-Control: public) and would hand
        # one visitor's pre-session value to the next.
        if (
            scope["type"] != "http"
            or scope["path"].startswith("/static/")
            or _has_binding_cookie(scope)
        ):
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
