"""Single sign-on fixtures: the real test provider for the module, the forging one per test,
and settings that name both."""

from collections.abc import Iterator

import pytest

from app.config import Settings
from tests.conftest import settings_for
from tests.oidc import forger as forger_module
from tests.oidc.forger import Forger, forging_provider
from tests.oidc.provider import ProviderUser, provider_settings, running_provider

APP_URL = "http://testserver"
PROVIDER_NAMES = ("dorpsveen", "extern")
PROVIDER_USERS = {
    "anna": ProviderUser(
        email="anna@dorpsveen.example", name="Anna Ambtenaar", groups=["casustafel-beheer"]
    ),
    "bram": ProviderUser(
        email="bram@dorpsveen.example", name="Bram Boa", groups=[], amr=["pwd", "mfa"]
    ),
    "nieuw": ProviderUser(email="nieuw@dorpsveen.example", name="Nora Nieuw"),
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """The real provider (oidc-provider 8), for every test of the module."""
    with running_provider(
        redirect_uris=[f"{APP_URL}/inloggen/sso/{name}/terug" for name in PROVIDER_NAMES],
        post_logout_redirect_uris=[f"{APP_URL}/inloggen?uitgelogd=1"],
        users=PROVIDER_USERS,
    ) as running_issuer:
        yield running_issuer


@pytest.fixture
def forger() -> Iterator[Forger]:
    with forging_provider() as forging:
        yield forging


@pytest.fixture
def settings(database_url: str, issuer: str, forger: Forger) -> Settings:
    """A trusted provider ("dorpsveen"), an untrusted one at the same provider ("extern") and
    the forging one ("nep")."""
    return settings_for(
        database_url,
        base_url=APP_URL,
        oidc_providers=[
            provider_settings(issuer, trusted=True),
            provider_settings(issuer, name="extern", label="Inloggen met extern account"),
            provider_settings(
                forger.issuer,
                name="nep",
                label="Inloggen met nep-account",
                client_id=forger_module.CLIENT_ID,
            ),
        ],
    )
