"""Production refuses to start with a default or missing secret, and says what to set."""

import json
from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.config import DEVELOPMENT_SECRET_KEY, Environment, Settings, UnsafeConfiguration
from app.main import create_app

STRONG_KEY = "k" * 40
DATA_KEY = "c3RlcmstZ2VoZWltLXZhbi0zMi1ieXRlcy1sYW5nISE="


@pytest.mark.parametrize(
    ("secret", "data_keys", "names"),
    [
        (DEVELOPMENT_SECRET_KEY, [DATA_KEY], "CASUSTAFEL_SECRET_KEY"),
        ("", [DATA_KEY], "CASUSTAFEL_SECRET_KEY"),
        ("te-kort", [DATA_KEY], "CASUSTAFEL_SECRET_KEY"),
        (STRONG_KEY, [], "CASUSTAFEL_DATA_ENCRYPTION_KEYS"),
        (STRONG_KEY, [DATA_KEY], "CASUSTAFEL_BLIND_INDEX_KEY"),
        (STRONG_KEY, [DATA_KEY], "CASUSTAFEL_AUDIT_KEY"),
    ],
)
def test_production_refuses_unsafe_secrets(secret: str, data_keys: list[str], names: str) -> None:
    settings = Settings(
        _env_file=None,
        environment=Environment.PRODUCTION,
        secret_key=secret,  # type: ignore[call-arg]
        data_encryption_keys=data_keys,
        database_url="sqlite://",
    )

    with pytest.raises(UnsafeConfiguration, match=names):
        create_app(settings)


def test_production_starts_with_own_secrets() -> None:
    settings = Settings(
        _env_file=None,
        environment=Environment.PRODUCTION,
        secret_key=STRONG_KEY,  # type: ignore[call-arg]
        data_encryption_keys=[DATA_KEY],
        blind_index_key="z" * 40,
        audit_key="a" * 40,
        database_url="sqlite://",
    )

    application = create_app(settings)

    assert application.state.settings.environment == Environment.PRODUCTION
    application.state.engine.dispose()


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSTAFEL_SESSION_IDLE_MINUTES", "10")
    monkeypatch.setenv("CASUSTAFEL_BASE_URL", "https://casustafel.dorpsveen.example")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.session_idle_minutes == 10
    assert settings.secure_cookies is True


def test_the_idle_limit_may_be_a_fraction_of_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSTAFEL_SESSION_IDLE_MINUTES", "0.1")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.session_idle_limit == timedelta(seconds=6)


PROVIDER = {
    "name": "dorpsveen",
    "label": "Inloggen met Gemeente Dorpsveen-account",
    "issuer": "https://login.dorpsveen.example/realms/medewerkers",
    "client_id": "casustafel",
    "client_secret": "heel-geheim-provider-wachtwoord",
    "organisation": "Gemeente Dorpsveen",
}


def test_providers_come_from_the_environment_with_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASUSTAFEL_OIDC_PROVIDERS", json.dumps([PROVIDER]))

    [provider] = Settings(_env_file=None).oidc_providers  # type: ignore[call-arg]

    assert (provider.name, provider.email_claim, provider.groups_claim) == (
        "dorpsveen",
        "email",
        "groups",
    )
    assert not provider.trusted
    assert "mfa" in provider.mfa_amr
    assert "heel-geheim" not in repr(provider)


@pytest.mark.parametrize(
    "providers",
    [
        [PROVIDER | {"name": "Gemeente Dorpsveen"}],
        [{key: value for key, value in PROVIDER.items() if key != "issuer"}],
        [PROVIDER | {"issuer": "login.dorpsveen.example"}],
        [PROVIDER, PROVIDER],
        {"name": "dorpsveen"},
    ],
)
def test_a_wrong_provider_setting_is_refused_in_dutch_without_its_secret(
    monkeypatch: pytest.MonkeyPatch, providers: object
) -> None:
    monkeypatch.setenv("CASUSTAFEL_OIDC_PROVIDERS", json.dumps(providers))

    with pytest.raises(ValidationError, match="CASUSTAFEL_OIDC_PROVIDERS") as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]

    assert "heel-geheim" not in str(refused.value)


def test_production_refuses_a_provider_without_https() -> None:
    settings = Settings(
        _env_file=None,
        environment=Environment.PRODUCTION,
        secret_key=STRONG_KEY,  # type: ignore[call-arg]
        data_encryption_keys=[DATA_KEY],
        blind_index_key="z" * 40,
        audit_key="a" * 40,
        database_url="sqlite://",
        oidc_providers=[PROVIDER | {"issuer": "http://login.dorpsveen.example"}],
    )

    with pytest.raises(UnsafeConfiguration, match="https://"):
        create_app(settings)
