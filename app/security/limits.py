"""Limits before work: a request body larger than its cap is refused (413) before anything reads
it, with or without a Content-Length, so no oversized body is parsed or spooled to disk."""

import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Signed covenant PDFs are uploaded here, with a new covenant or a new version of one; every other
# body is a form.
UPLOAD_PATHS = (re.compile(r"^/convenanten/(nieuw|[^/]+/versies/nieuw)$"),)


class BodyLimitMiddleware:
    """Caps every request body: `upload_bytes` on the upload routes, `form_bytes` elsewhere."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        form_bytes: int,
        upload_bytes: int,
        refuse: Callable[[Request], Response],
    ) -> None:
        self.app = app
        self.form_bytes, self.upload_bytes = form_bytes, upload_bytes
        self.refuse = refuse

    def cap_for(self, path: str) -> int:
        """The largest body this path accepts."""
        upload = any(pattern.match(path) for pattern in UPLOAD_PATHS)
        return self.upload_bytes if upload else self.form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared and (not declared.isdigit() or int(declared) > cap):
            await self.refuse(Request(scope))(scope, receive, send)
            return
        received = 0
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > cap:
                # Whatever the app makes of a vanished client, the answer below replaces it.
                exceeded = True
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await self.refuse(Request(scope))(scope, receive, send)
