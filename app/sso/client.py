"""The OpenID Connect protocol towards a provider: discovery, the authorization URL, the code
exchange with PKCE and the ID token's checks. Authlib speaks the protocol and joserfc checks the
token: no cryptography of our own."""

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import ClaimError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from app.config import OidcProvider

TIMEOUT_SECONDS = 5.0
CACHE_SECONDS = 3600.0
# Clock difference tolerated between the provider and us, for exp and iat.
LEEWAY_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


class ProviderFailure(Exception):
    """Logging in through the provider did not work. `reason` is a short code for the audit
    log (never token contents); `unavailable` when the provider could not be reached."""

    def __init__(self, reason: str, *, unavailable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unavailable = unavailable


@dataclass(frozen=True)
class Discovery:
    """What the provider's discovery document tells us."""

    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


class _Cache:
    """Discovery documents and key sets per URL, in this process, for CACHE_SECONDS."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(url)
        return entry[1] if entry and entry[0] > time.monotonic() else None

    def put(self, url: str, value: Any) -> None:
        with self._lock:
            self._entries[url] = (time.monotonic() + CACHE_SECONDS, value)


_cache = _Cache()


def _client(provider: OidcProvider, **kwargs: Any) -> OAuth2Client:
    return OAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret.get_secret_value(),
        scope=provider.scopes,
        code_challenge_method="S256",
        timeout=TIMEOUT_SECONDS,
        **kwargs,
    )


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        with httpx2.Client(timeout=TIMEOUT_SECONDS) as client:
            response = client.get(url)
            response.raise_for_status()
            document = response.json()
    except httpx2.HTTPStatusError as exc:
        raise ProviderFailure("aanbieder gaf een fout", unavailable=True) from exc
    except httpx2.HTTPError as exc:
        raise ProviderFailure("aanbieder onbereikbaar", unavailable=True) from exc
    except ValueError as exc:
        raise ProviderFailure("antwoord aanbieder onleesbaar") from exc
    if not isinstance(document, dict):
        raise ProviderFailure("antwoord aanbieder onleesbaar")
    return document


def discovery(provider: OidcProvider) -> Discovery:
    """The provider's endpoints, from its discovery document (cached)."""
    url = f"{provider.issuer_url}/.well-known/openid-configuration"
    cached = _cache.get(url)
    if cached is not None:
        return cached
    document = _fetch_json(url)
    if str(document.get("issuer", "")).rstrip("/") != provider.issuer_url:
        raise ProviderFailure("issuer klopt niet")
    endpoints = [document.get(key) for key in ("authorization_endpoint", "token_endpoint")]
    jwks_uri = document.get("jwks_uri")
    if not all(isinstance(value, str) for value in [*endpoints, jwks_uri]):
        raise ProviderFailure("discovery-document onvolledig")
    end_session = document.get("end_session_endpoint")
    found = Discovery(
        authorization_endpoint=str(endpoints[0]),
        token_endpoint=str(endpoints[1]),
        jwks_uri=str(jwks_uri),
        end_session_endpoint=end_session if isinstance(end_session, str) else None,
    )
    _cache.put(url, found)
    return found


def _keys(jwks_uri: str, *, refresh: bool = False) -> KeySet:
    cached = None if refresh else _cache.get(jwks_uri)
    if cached is not None:
        return cached
    try:
        keys = KeySet.import_key_set(_fetch_json(jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderFailure("sleutels aanbieder onleesbaar") from exc
    _cache.put(jwks_uri, keys)
    return keys


def authorization_url(
    provider: OidcProvider, *, redirect_uri: str, state: str, nonce: str, code_verifier: str
) -> str:
    """Where to send the browser: the provider's login, with state, nonce and the PKCE
    challenge (S256) of the verifier."""
    endpoint = discovery(provider).authorization_endpoint
    with _client(provider, redirect_uri=redirect_uri) as client:
        url, _state = client.create_authorization_url(
            endpoint, state=state, nonce=nonce, code_verifier=code_verifier
        )
    return str(url)


def id_token_claims(
    provider: OidcProvider, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the verified ID token's claims."""
    endpoints = discovery(provider)
    try:
        with _client(provider, redirect_uri=redirect_uri) as client:
            token = client.fetch_token(
                endpoints.token_endpoint, code=code, code_verifier=code_verifier
            )
    except httpx2.HTTPError as exc:
        raise ProviderFailure("aanbieder onbereikbaar", unavailable=True) from exc
    except (AuthlibBaseError, ValueError) as exc:
        raise ProviderFailure("code geweigerd") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise ProviderFailure("geen id-token")
    return _verified(provider, endpoints, id_token, nonce)


def _decode(provider: OidcProvider, endpoints: Discovery, id_token: str) -> dict[str, Any]:
    try:
        try:
            decoded = jwt.decode(id_token, _keys(endpoints.jwks_uri), SIGNING_ALGORITHMS)
        except InvalidKeyIdError:
            # The provider may have rolled its keys since we cached them: fetch them once more.
            keys = _keys(endpoints.jwks_uri, refresh=True)
            decoded = jwt.decode(id_token, keys, SIGNING_ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise ProviderFailure("handtekening id-token ongeldig") from exc
    return decoded.claims


def _verified(
    provider: OidcProvider, endpoints: Discovery, id_token: str, nonce: str
) -> dict[str, Any]:
    claims = _decode(provider, endpoints, id_token)
    registry = JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer_url},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ClaimError as exc:
        raise ProviderFailure(f"id-token ongeldig ({exc.claim})") from exc
    audience = claims["aud"]
    # OpenID Connect Core 3.1.3.7: with several audiences, azp must name us.
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != provider.client_id:
        raise ProviderFailure("id-token ongeldig (azp)")
    return claims


def end_session_url(provider: OidcProvider, *, post_logout_redirect_uri: str) -> str | None:
    """Where to log out at the provider too (RP-initiated logout), if it offers that."""
    try:
        endpoint = discovery(provider).end_session_endpoint
    except ProviderFailure:
        return None
    if endpoint is None:
        return None
    return add_params_to_uri(
        endpoint,
        [("client_id", provider.client_id), ("post_logout_redirect_uri", post_logout_redirect_uri)],
    )
