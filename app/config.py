"""Settings from the environment (prefix CASUSTAFEL_), refused when unsafe in production."""

import base64
import binascii
import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "ontwikkeling-niet-geheim-verander-dit-in-productie"
DEVELOPMENT_DATA_KEY = "b250d2lra2VsaW5nLW5pZXQtZ2VoZWltLTMyLWJ5dGU="
DEVELOPMENT_INDEX_KEY = "ontwikkeling-zoeksleutel-niet-geheim-verander-dit"
DEVELOPMENT_AUDIT_KEY = "ontwikkeling-logsleutel-niet-geheim-verander-dit"
DEVELOPMENT_BACKUP_KEY = "ontwikkeling-back-upsleutel-niet-geheim-verander-dit"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class UnsafeConfiguration(RuntimeError):
    """The settings would run production with a default or missing secret."""


PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PROVIDER_FIELDS_HINT = (
    "Verplicht per aanbieder: name (kleine letters, cijfers en streepjes), label, issuer "
    "(http(s)-adres), client_id, client_secret en organisation."
)


class OidcProvider(BaseModel):
    """An OpenID Connect provider whose accounts may log in ("Inloggen met organisatieaccount")."""

    name: str = Field(pattern=PROVIDER_NAME.pattern)
    label: str = Field(min_length=1, max_length=100)
    issuer: str = Field(pattern=r"^https?://[^\s]+$", max_length=500)
    client_id: str = Field(min_length=1, max_length=500)
    client_secret: SecretStr = Field(min_length=1)
    organisation: str = Field(min_length=1, max_length=200)
    email_claim: str = Field(default="email", min_length=1)
    trusted: bool = False
    groups_claim: str = Field(default="groups", min_length=1)
    admin_groups: list[str] = Field(default_factory=list)
    privacy_officer_groups: list[str] = Field(default_factory=list)
    # What the ID token's amr or acr says when the provider itself asked for a second factor.
    mfa_amr: list[str] = Field(default_factory=lambda: ["mfa", "otp", "hwk", "swk", "pop"])
    mfa_acr: list[str] = Field(default_factory=list)
    scopes: str = "openid email profile"

    @property
    def issuer_url(self) -> str:
        """The issuer without a trailing slash, as discovery URLs are built from it."""
        return self.issuer.rstrip("/")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASUSTAFEL_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A refused setting is named, never echoed: it may hold a secret.
        hide_input_in_errors=True,
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'casustafel.db'}"
    database_connections: int = Field(default=20, ge=1)
    secret_key: str = DEVELOPMENT_SECRET_KEY
    data_encryption_keys: list[str] = Field(default_factory=lambda: [DEVELOPMENT_DATA_KEY])
    blind_index_key: str = DEVELOPMENT_INDEX_KEY
    audit_key: str = DEVELOPMENT_AUDIT_KEY
    # Encrypts `casustafel backup` files; only the backup and restore commands need it.
    backup_key: str = DEVELOPMENT_BACKUP_KEY
    base_url: str = "http://127.0.0.1:8000"

    # A fraction is allowed (0.1 is six seconds): the browser tests wait out a short limit.
    session_idle_minutes: float = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=12, ge=1)

    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)

    # Unset: a second factor is required in production and optional elsewhere (the demo).
    mfa_required: bool | None = None
    # Managing accounts, organisations, covenants and members asks for a confirmation this recent.
    step_up_minutes: int = Field(default=15, ge=1)

    # Beleidsinformatie: a figure computed from fewer casussen than this shows "< N", and every
    # count shown is rounded to a multiple of it (app/statistics/disclosure_control.py).
    statistics_min_count: int = Field(default=5, ge=2, le=50)
    # A verslag should be vastgesteld within this many working days of its meeting: the dashboard
    # measures against it and the chair and secretary are reminded after it.
    minutes_target_working_days: int = Field(default=10, ge=1, le=60)
    # The weekly digest of tasks due or overdue goes out on this weekday (0 = Monday).
    digest_weekday: int = Field(default=0, ge=0, le=6)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "casustafel@localhost"
    mail_interval_seconds: float = Field(default=15.0, gt=0)

    background_jobs: bool = True

    # /metrics answers only a request carrying this token (Authorization: Bearer …); unset, it
    # is a 404 like any unknown page.
    metrics_token: str = ""
    # Where the processes of `serve` and `worker` keep their figures for /metrics (each command
    # empties its own folder in it at start).
    metrics_dir: Path = PROJECT_ROOT / "var" / "metrics"

    # "Inloggen met organisatieaccount": a JSON list of OpenID Connect providers (see README).
    oidc_providers: list[OidcProvider] = Field(default_factory=list)

    # Request bodies are refused (413) above these sizes, before anything reads them.
    max_form_bytes: int = Field(default=1_000_000, ge=10_000)
    max_upload_bytes: int = Field(default=25_000_000, ge=10_000)

    # Reverse proxies (addresses or networks) whose X-Forwarded-For / Forwarded is believed.
    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    # Origins besides the request's own from which a state-changing request is accepted.
    allowed_origins: list[str] = Field(default_factory=list)

    # Passkeys (WebAuthn): the domain they belong to (the relying party; unset: the host of
    # base_url) and the origins they are used from (unset: the origin of base_url). Browsers
    # refuse an IP address as relying party, so a local demo uses localhost.
    webauthn_rp_id: str | None = None
    webauthn_origins: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies_are_networks(cls, values: Any) -> Any:
        if not isinstance(values, list):
            return values
        try:
            return [ipaddress.ip_network(value) for value in values]
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "Elke waarde in CASUSTAFEL_TRUSTED_PROXIES is een IP-adres of netwerk, "
                'bijvoorbeeld ["127.0.0.1", "10.0.0.0/24"].'
            ) from exc

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token_is_long(cls, token: str) -> str:
        if token and (len(token) < 32 or not token.isascii() or not token.isprintable()):
            raise ValueError(
                "CASUSTAFEL_METRICS_TOKEN is een geheime waarde van minstens 32 tekens (letters, "
                "cijfers en leestekens), of leeg om /metrics uit te zetten."
            )
        return token

    @field_validator("allowed_origins", "webauthn_origins")
    @classmethod
    def _origins_are_origins(cls, origins: list[str], info: ValidationInfo) -> list[str]:
        normalised = []
        for origin in origins:
            parts = urlsplit(origin.strip().lower())
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
                raise ValueError(
                    f"Elke waarde in CASUSTAFEL_{str(info.field_name).upper()} is een origin: "
                    "schema, host en eventueel poort, zonder pad, bijvoorbeeld "
                    '["https://casustafel.gemeente.nl"].'
                )
            normalised.append(f"{parts.scheme}://{parts.netloc}")
        return normalised

    @field_validator("oidc_providers", mode="before")
    @classmethod
    def _providers_are_complete(cls, values: Any) -> Any:
        if not isinstance(values, list):
            raise ValueError(
                "CASUSTAFEL_OIDC_PROVIDERS is een JSON-lijst van aanbieders. "
                + PROVIDER_FIELDS_HINT
            )
        providers = []
        for position, value in enumerate(values, start=1):
            try:
                providers.append(OidcProvider.model_validate(value))
            except ValidationError as exc:
                wrong = sorted({".".join(map(str, error["loc"])) or "?" for error in exc.errors()})
                raise ValueError(
                    f"CASUSTAFEL_OIDC_PROVIDERS: aanbieder {position} is onvolledig of ongeldig "
                    f"({', '.join(wrong)}). {PROVIDER_FIELDS_HINT}"
                ) from None
        names = [provider.name for provider in providers]
        if len(set(names)) != len(names):
            raise ValueError("CASUSTAFEL_OIDC_PROVIDERS: elke aanbieder heeft een eigen name.")
        return providers

    @field_validator("webauthn_rp_id")
    @classmethod
    def _rp_id_is_a_domain(cls, rp_id: str | None) -> str | None:
        domain = (rp_id or "").strip().lower()
        if not domain:  # left empty, as in a copied .env.example: the host of base_url
            return None
        if _is_ip_address(domain) or any(sign in domain for sign in ":/@ "):
            raise ValueError(
                "CASUSTAFEL_WEBAUTHN_RP_ID is een domeinnaam zonder schema, poort of pad, zoals "
                "casustafel.gemeente.nl (of localhost om passkeys lokaal te proberen); browsers "
                "weigeren een IP-adres zoals 127.0.0.1."
            )
        return domain

    @model_validator(mode="after")
    def _passkey_origins_lie_in_the_domain(self) -> "Settings":
        rp_id = self.passkey_rp_id
        if rp_id is None:
            return self
        for origin in self.passkey_origins:
            host = urlsplit(origin).hostname or ""
            if host != rp_id and not host.endswith(f".{rp_id}"):
                raise ValueError(
                    f"De origin {origin} hoort niet bij het passkey-domein {rp_id}: zet "
                    "CASUSTAFEL_WEBAUTHN_ORIGINS op adressen binnen CASUSTAFEL_WEBAUTHN_RP_ID."
                )
        return self

    @field_validator("data_encryption_keys")
    @classmethod
    def _keys_are_32_bytes(cls, keys: list[str]) -> list[str]:
        for key in keys:
            try:
                valid = len(base64.b64decode(key, validate=True)) == 32
            except (binascii.Error, ValueError):
                valid = False
            if key and not valid:
                raise ValueError(
                    "Elke sleutel in CASUSTAFEL_DATA_ENCRYPTION_KEYS is base64 van 32 bytes."
                )
        return keys

    @property
    def session_idle_limit(self) -> timedelta:
        """How long a session lives without a request."""
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def session_absolute_limit(self) -> timedelta:
        """How long a session lives after logging in, whatever happens."""
        return timedelta(hours=self.session_absolute_hours)

    def oidc_provider(self, name: str) -> OidcProvider | None:
        """The configured provider of that name, if any."""
        return next((p for p in self.oidc_providers if p.name == name), None)

    @property
    def second_factor_required(self) -> bool:
        """Whether every local account must have a second factor."""
        if self.mfa_required is None:
            return self.environment == Environment.PRODUCTION
        return self.mfa_required

    @property
    def step_up_window(self) -> timedelta:
        """How recent a confirmation must be for the dangerous actions."""
        return timedelta(minutes=self.step_up_minutes)

    @property
    def passkey_rp_id(self) -> str | None:
        """The passkeys' domain (relying party id); None when it would be an IP address, which
        browsers refuse: then passkeys are not offered."""
        host = self.webauthn_rp_id or (urlsplit(self.base_url).hostname or "").lower()
        return None if not host or _is_ip_address(host) else host

    @property
    def passkey_origins(self) -> list[str]:
        """The origins a passkey may be used from."""
        if self.webauthn_origins:
            return self.webauthn_origins
        parts = urlsplit(self.base_url.lower())
        return [f"{parts.scheme}://{parts.netloc}"]

    @property
    def secure_cookies(self) -> bool:
        """Cookies get the Secure flag when the app is served over https."""
        return self.base_url.startswith("https://")

    def refuse_unsafe_production(self) -> None:
        """Stop start-up in production when a secret is missing or still the default."""
        if self.environment != Environment.PRODUCTION:
            return
        problems = []
        if (
            not self.secret_key
            or self.secret_key == DEVELOPMENT_SECRET_KEY
            or len(self.secret_key) < 32
        ):
            problems.append(
                "Zet CASUSTAFEL_SECRET_KEY op een eigen geheime waarde van minstens 32 tekens."
            )
        keys = self.data_encryption_keys
        if not keys or not all(keys) or DEVELOPMENT_DATA_KEY in keys:
            problems.append(
                "Zet CASUSTAFEL_DATA_ENCRYPTION_KEYS op eigen sleutels "
                '(JSON-lijst, bijvoorbeeld ["<base64 van 32 bytes>"]).'
            )
        if self.blind_index_key == DEVELOPMENT_INDEX_KEY or len(self.blind_index_key) < 32:
            problems.append(
                "Zet CASUSTAFEL_BLIND_INDEX_KEY op een eigen geheime waarde van minstens 32 tekens "
                "(nooit meer wijzigen: anders vindt Casustafel eerdere casussen niet terug)."
            )
        if self.audit_key == DEVELOPMENT_AUDIT_KEY or len(self.audit_key) < 32:
            problems.append(
                "Zet CASUSTAFEL_AUDIT_KEY op een eigen geheime waarde van minstens 32 tekens, "
                "bewaard buiten de database en haar back-ups (nooit meer wijzigen: anders klopt "
                "de hashketen van de logging niet meer)."
            )
        if any(not provider.issuer.startswith("https://") for provider in self.oidc_providers):
            problems.append(
                "Gebruik voor elke aanbieder in CASUSTAFEL_OIDC_PROVIDERS een issuer met https://."
            )
        if problems:
            raise UnsafeConfiguration(
                "Casustafel start niet in productie met standaardgeheimen. " + " ".join(problems)
            )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
