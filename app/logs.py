"""Operational logs: JSON lines on stdout for the app, uvicorn and the worker, and one access
line per request. A line names code, routes and ids, never what a person is or typed: no raw
paths or query strings (one-time links and the calendar feed carry tokens), no form values, no
exception messages (a database error quotes the row), no e-mail address, no client address."""

import json
import logging
import logging.config
import re
import time
import traceback
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.proxies import Network, is_trusted_proxy

REQUEST_ID_HEADER = "x-request-id"
# What a proxy's request id may look like: short, and nothing that could break a log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_logger = logging.getLogger("casustafel.access")
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id:
            line["request_id"] = request_id
        line |= getattr(record, "fields", {})
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = describe_exception(record.exc_info[1])
        return json.dumps(line, ensure_ascii=False, default=str)


def describe_exception(error: BaseException) -> str:
    """The classes and code locations of an exception and its causes, not their messages."""
    parts = []
    current: BaseException | None = error
    while current is not None and len(parts) < 5:
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{frames}{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return "\nveroorzaakt door\n".join(reversed(parts))


def config() -> dict[str, Any]:
    """The one logging configuration (for dictConfig and uvicorn's log_config)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "casustafel": {"level": "INFO"},
            "uvicorn": {"level": "INFO"},
            # Replaced by casustafel.access: uvicorn's line holds the raw path and query string.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
        "root": {"level": "WARNING", "handlers": ["stdout"]},
    }


def configure() -> None:
    """Send this process's logs to stdout as JSON lines."""
    logging.config.dictConfig(config())


def route_template(scope: Scope) -> str | None:
    """The matched route's path template (`/overleggen/{series_id}`, `/static/{path}`), or None
    when none matched."""
    route = scope.get("route")
    if route is not None:
        return str(route.path)
    # FastAPI names no route for a mount (the static files); the mount's prefix is its root path.
    mount = scope.get("root_path", "").removeprefix(scope.get("app_root_path") or "")
    return f"{mount}/{{path}}" if mount and scope.get("endpoint") else None


class RequestLogMiddleware:
    """Gives each request an id (on the response and on every line logged meanwhile) and writes
    its access line: method, route template, status, duration and the user's id."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._request_id(scope)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _log_access(scope, status, round((time.perf_counter() - started) * 1000, 1))
            current_request_id.reset(token)

    def _request_id(self, scope: Scope) -> str:
        """The id a trusted proxy gave the request, or a new one."""
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        peer = scope["client"][0] if scope.get("client") else None
        if VALID_REQUEST_ID.fullmatch(given) and is_trusted_proxy(peer, self.trusted_proxies):
            return given
        return uuid.uuid4().hex


def _log_access(scope: Scope, status: int, duration_ms: float) -> None:
    route = route_template(scope)
    fields = {
        "method": scope["method"],
        "route": route,
        "status": status,
        "duration_ms": duration_ms,
        "user_id": scope.get("state", {}).get("user_id"),
    }
    access_logger.info(
        "%s %s %s", scope["method"], route or "(geen route)", status, extra={"fields": fields}
    )
