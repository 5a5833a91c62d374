"""The application: create_app() wires settings, database, routes, error pages and middleware."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.account.routes import router as account_router
from app.agenda.routes import router as agenda_router
from app.attendance.routes import router as attendance_router
from app.auditlog.routes import router as auditlog_router
from app.auth.routes import router as auth_router
from app.calendar.routes import router as calendar_router
from app.cases.change_routes import router as case_changes_router
from app.cases.decision_routes import router as case_decisions_router
from app.cases.routes import router as cases_router
from app.config import Settings, get_settings
from app.contacts.routes import router as contacts_router
from app.covenants.routes import declaration_router
from app.covenants.routes import router as covenants_router
from app.db import make_engine, unreachable
from app.errors import ConfirmationRequired, Forbidden, LoginRequired, NotFound
from app.factors.passkey_routes import router as passkey_router
from app.factors.routes import admin_router as factor_admin_router
from app.factors.routes import router as factors_router
from app.home.routes import router as home_router
from app.invitations.routes import router as invitations_router
from app.jobs import background_jobs
from app.logs import RequestLogMiddleware, route_template
from app.meetings.presence_routes import router as presence_router
from app.meetings.routes import router as meetings_router
from app.minutes.routes import router as minutes_router
from app.ops import metrics
from app.ops.health import HealthEndpoints
from app.organisations.routes import router as organisations_router
from app.overleg.routes import router as overleg_router
from app.retention.routes import router as retention_router
from app.rights.routes import router as rights_router
from app.security.crypto import CaseCrypto
from app.security.csrf import SAFE_METHODS, CsrfRejected, PreSessionCookieMiddleware, verify_csrf
from app.security.deps import refuse_read_only
from app.security.headers import SecurityHeadersMiddleware
from app.security.limits import BodyLimitMiddleware
from app.sso.routes import router as sso_router
from app.static_files import CompressedStaticFiles
from app.statistics.routes import router as statistics_router
from app.tasks.routes import router as tasks_router
from app.users.routes import router as users_router
from app.web import confirmation_url, login_redirect, redirect, render

logger = logging.getLogger("casustafel")

ERROR_PAGES = {
    400: ("Ongeldig verzoek", "Dit verzoek kon niet worden verwerkt."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina of handeling."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling is hier niet mogelijk."),
    413: (
        "Te groot",
        "Wat u verstuurde is te groot om te verwerken, en is niet opgeslagen. Een formulier mag "
        "hooguit 1 MB zijn, een ondertekend convenant (PDF) hooguit 20 MB.",
    ),
    500: (
        "Er ging iets mis",
        "Er is een fout opgetreden aan onze kant. Er is niets half opgeslagen. "
        "Probeer het opnieuw; blijft het misgaan, neem dan contact op met uw beheerder.",
    ),
    503: (
        "Tijdelijk niet beschikbaar",
        "Casustafel kan de database even niet bereiken. Er is niets half opgeslagen. "
        "Probeer het over een minuut opnieuw; blijft het misgaan, neem dan contact op met uw "
        "beheerder.",
    ),
}
# The routers about one's own account (logging in and out, also with an organisation account or a
# second factor; keeping the session alive, own password, setting it through a one-time link, own
# second factors and sessions, own calendar link): the only ones whose state-changing routes stay
# open to a read-only user (the FG).
OWN_ACCOUNT_ROUTERS = (
    auth_router,
    sso_router,
    factors_router,
    passkey_router,
    account_router,
    invitations_router,
    calendar_router,
)
# The FG's own work (the register of rights requests): FG only, so open to the read-only guard.
FG_WORK_ROUTERS = (rights_router,)
STEP_UP_MESSAGE = (
    "Bevestig eerst opnieuw wie u bent: open het formulier opnieuw, dan vraagt Casustafel "
    "om uw tweede factor. Er is niets opgeslagen."
)
CSRF_MESSAGE = (
    "Dit formulier is verlopen of kwam niet van Casustafel, en is daarom niet verwerkt. "
    "Ga terug, laad de pagina opnieuw en probeer het nog eens."
)


def error_page(request: Request, status_code: int, message: str | None = None) -> Response:
    """The Dutch error page for a status code."""
    title, default_message = ERROR_PAGES.get(status_code, ERROR_PAGES[400])
    return render(
        request,
        "errors/error.html",
        {"title": title, "message": message or default_message, "status_code": status_code},
        status_code=status_code,
    )


def page_of_action(app: FastAPI, path: str) -> str | None:
    """The nearest page above an address that only takes a form (a POST): where the browser
    goes when someone reloads or revisits the address a refused form was shown at, instead of
    a 405. Decided by the routes alone, so it reveals nothing about what exists."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        scope = {"type": "http", "path": candidate, "method": "GET", "root_path": ""}
        if any(route.matches(scope)[0] == Match.FULL for route in app.routes):
            return candidate
    return None


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: Exception) -> Response:
        return login_redirect(request)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: Exception) -> Response:
        return error_page(request, 404)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Exception) -> Response:
        return error_page(request, 403)

    @app.exception_handler(ConfirmationRequired)
    async def _confirmation_required(request: Request, _exc: Exception) -> Response:
        if request.method in SAFE_METHODS:
            return redirect(request, confirmation_url(request))
        return error_page(request, 403, STEP_UP_MESSAGE)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, _exc: Exception) -> Response:
        return error_page(request, 403, CSRF_MESSAGE)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405 and request.method == "GET":
            page = page_of_action(app, request.url.path)
            if page is not None:
                return RedirectResponse(page, status_code=303)
        return error_page(request, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # A malformed id in the path is a page that does not exist.
        in_path = any(error["loc"][:1] == ("path",) for error in exc.errors())
        return error_page(request, 404 if in_path else 400)


class UnhandledErrorMiddleware:
    """Turns an unexpected exception into the Dutch 500 page, and a database that cannot be
    reached (a restart, a dropped connection) into the Dutch 503 page (inside the security
    headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            # The route template, not the path (which may hold a token); the log's formatter
            # keeps the traceback's code locations and leaves out the exception's message.
            route = route_template(scope)
            if unreachable(exc):
                # An outage, not a bug: one line per request, without a traceback.
                logger.warning("Database onbereikbaar bij %s %s", scope["method"], route)
            else:
                logger.exception("Onverwachte fout bij %s %s", scope["method"], route)
            if started:
                raise
            request = Request(scope)
            # The request's database session is gone; the page must not touch its objects.
            request.state.user = None
            response = error_page(request, 503 if unreachable(exc) else 500)
            await response(scope, receive, send)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up and shut-down: freeze the start-up heap, run the background jobs."""
    # What start-up loaded lives as long as the process. Frozen, it is left out of the garbage
    # collector's full sweeps, which otherwise pause a request for some 150 ms now and then.
    gc.collect()
    gc.freeze()
    async with background_jobs(app):
        yield
    metrics.process_ended()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the Casustafel ASGI app."""
    settings = settings or get_settings()
    settings.refuse_unsafe_production()
    app = FastAPI(
        title="Casustafel",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf)],
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry would export exception messages (which may hold what a
        # user typed) wherever the environment points it; nothing leaves this app that way.
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, settings.database_connections)
    app.state.crypto = CaseCrypto.from_settings(settings)
    # Static files go out pre-compressed; pages are never compressed (no GZipMiddleware): a page
    # holds the per-session CSRF token next to what the user typed, and compressing the two
    # together lets an attacker guess the token from response sizes (BREACH).
    app.mount("/static", CompressedStaticFiles(), name="static")
    read_only_guard = [Depends(refuse_read_only)]
    for router in (
        home_router,
        auth_router,
        sso_router,
        account_router,
        contacts_router,
        invitations_router,
        passkey_router,
        organisations_router,
        users_router,
        auditlog_router,
        covenants_router,
        declaration_router,
        overleg_router,
        agenda_router,
        attendance_router,
        calendar_router,
        cases_router,
        case_decisions_router,
        case_changes_router,
        meetings_router,
        presence_router,
        minutes_router,
        tasks_router,
        factors_router,
        factor_admin_router,
        rights_router,
        retention_router,
        statistics_router,
    ):
        open_to_fg = router in OWN_ACCOUNT_ROUTERS or router in FG_WORK_ROUTERS
        guard = [] if open_to_fg else read_only_guard
        app.include_router(router, dependencies=guard)
    _install_error_handlers(app)
    app.add_middleware(PreSessionCookieMiddleware, secure=settings.secure_cookies)
    app.add_middleware(
        BodyLimitMiddleware,
        form_bytes=settings.max_form_bytes,
        upload_bytes=settings.max_upload_bytes,
        refuse=lambda request: error_page(request, 413),
    )
    app.add_middleware(UnhandledErrorMiddleware)
    # Around the 500 page, so its log line has the request id; inside the health endpoints, so
    # a probe every few seconds writes no access line.
    app.add_middleware(RequestLogMiddleware, trusted_proxies=settings.trusted_proxies)
    # Outside the access log, inside the health endpoints: a scrape of /metrics (answered before
    # sessions, CSRF and audit) and a probe are neither counted nor logged.
    app.add_middleware(metrics.RequestMetrics)
    app.add_middleware(metrics.MetricsEndpoint, settings=settings)
    # Outside the session and CSRF layers, inside the security headers.
    app.add_middleware(HealthEndpoints)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
