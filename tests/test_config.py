"""Production refuses to start with a default or missing secret, and says what to set."""

from datetime import timedelta

import pytest

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
