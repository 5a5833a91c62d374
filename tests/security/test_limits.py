"""Limits before work: an oversized body is refused (413, Dutch) before anything reads it."""

import asyncio
import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from tests.conftest import csrf_from

BIG = 300 * 1024 * 1024


def call(app: FastAPI, path: str, headers: list[tuple[bytes, bytes]], chunks: int) -> dict:
    """Send a POST straight into the ASGI app: `chunks` bodies of 64 KiB on demand; counts how
    much the app pulled and what it answered."""
    pulled = 0
    answer: dict = {"status": None, "body": b""}

    async def receive() -> Message:
        nonlocal pulled
        if pulled >= chunks:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    # In a thread of its own: the browser tests may leave an event loop running in this one.
    worker = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
    worker.start()
    worker.join()
    answer["pulled_bytes"] = pulled * 65536
    return answer


def test_a_300_mb_login_post_is_refused_at_once_without_reading_it(app: FastAPI) -> None:
    started = time.monotonic()
    answer = call(
        app,
        "/inloggen",
        [
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", str(BIG).encode()),
        ],
        chunks=BIG // 65536,
    )

    assert time.monotonic() - started < 1.0
    assert answer["status"] == 413 and answer["pulled_bytes"] == 0
    assert "te groot" in answer["body"].decode().lower()


def test_a_body_without_length_is_cut_off_just_past_the_cap(app: FastAPI) -> None:
    answer = call(
        app,
        "/inloggen",
        [(b"content-type", b"application/x-www-form-urlencoded")],
        chunks=BIG // 65536,
    )

    assert answer["status"] == 413
    assert answer["pulled_bytes"] <= app.state.settings.max_form_bytes + 65536


def test_a_covenant_upload_may_be_larger_than_a_form(client: TestClient) -> None:
    token = csrf_from(client, "/inloggen")
    two_mb = {"csrf_token": token, "filler": "x" * 2_000_000}

    form = client.post("/inloggen", data=two_mb)
    upload = client.post("/convenanten/1/versies/nieuw", data=two_mb)

    assert form.status_code == 413 and "Te groot" in form.text
    assert upload.status_code != 413  # the login page or the covenant check, not the cap
