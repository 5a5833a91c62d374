"""A provider that signs whatever a test tells it to (joserfc), on loopback: for the ID tokens a
real provider never issues (expired, for another client, signed with another key, from another
issuer). Discovery, JWKS and token endpoint are real HTTP; its token endpoint checks the PKCE
verifier against the challenge the test saw in the authorization URL."""

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "casustafel-nep"
CODE = "eenmalige-code"


class Forger:
    """What the forging provider publishes and answers; a test sets `token_claims` (or
    `token_body`) and `challenge` before the callback."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        # A key id of its own: a test's forger is never mistaken for an earlier one on its port.
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})
        self.published_key = self.signing_key
        self.challenge = ""
        self.token_claims: dict[str, Any] = {}
        self.token_body: bytes | None = None

    def valid_claims(self, nonce: str, **overrides: Any) -> dict[str, Any]:
        """The claims of a good ID token for our client, changed as the test says."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "nep-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": "nep@dorpsveen.example",
            "name": "Nina Nep",
        }
        return claims | overrides

    def roll_keys(self) -> None:
        """Sign with a new key, under a new key id, and publish that one instead."""
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})
        self.published_key = self.signing_key

    def publish_another_key(self) -> None:
        """Publish a different key under the signing key's id: its signatures no longer match."""
        self.published_key = RSAKey.generate_key(2048, parameters={"kid": self.signing_key.kid})

    def discovery(self) -> dict[str, str]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
        }

    def token_response(self, form: dict[str, list[str]]) -> tuple[int, bytes]:
        verifier = form.get("code_verifier", [""])[0].encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if form.get("code") != [CODE] or challenge.decode() != self.challenge:
            return 400, b'{"error": "invalid_grant"}'
        if self.token_body is not None:
            return 200, self.token_body
        id_token = jwt.encode(
            {"alg": "RS256", "kid": self.signing_key.kid}, self.token_claims, self.signing_key
        )
        body = {"access_token": "toegang", "token_type": "Bearer", "id_token": id_token}
        return 200, json.dumps(body).encode()


def _handler(forger: Forger) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            documents = {
                "/.well-known/openid-configuration": forger.discovery(),
                "/jwks": {"keys": [forger.published_key.as_dict(private=False)]},
            }
            document = documents.get(self.path)
            self._send(200 if document else 404, json.dumps(document or {}).encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            self._send(*forger.token_response(form))

    return Handler


@contextmanager
def forging_provider() -> Iterator[Forger]:
    """The forging provider on a free port of 127.0.0.1, for as long as the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    forger = Forger(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(forger)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forger
    finally:
        server.shutdown()
        server.server_close()
