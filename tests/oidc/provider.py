"""A real OpenID Provider on loopback for the single sign-on tests: the npm package
oidc-provider (pinned in package-lock.json here, installed by `make test`), run by server.mjs."""

import json
import re
import select
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

OIDC_DIR = Path(__file__).resolve().parent
CLIENT_ID = "casustafel"
CLIENT_SECRET = "casustafel-test-geheim"
START_SECONDS = 20
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


@dataclass(frozen=True)
class ProviderUser:
    """An account at the provider; `amr` set means the provider did a second factor."""

    email: str
    name: str
    groups: list[str] = field(default_factory=list)
    amr: list[str] | None = None


@contextmanager
def running_provider(
    *,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    users: dict[str, ProviderUser],
) -> Iterator[str]:
    """Start the provider on a free port of 127.0.0.1 and give its issuer; stopped afterwards."""
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": post_logout_redirect_uris,
        "users": {sub: asdict(user) for sub, user in users.items()},
    }
    process = subprocess.Popen(
        ["node", "server.mjs"],
        cwd=OIDC_DIR,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "OIDC_TEST_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
        assert ready and process.stdout, "de test-identiteitsprovider startte niet"
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def provider_settings(issuer: str, **overrides: object) -> dict[str, object]:
    """A CASUSTAFEL_OIDC_PROVIDERS entry for the test provider."""
    return {
        "name": "dorpsveen",
        "label": "Inloggen met Gemeente Dorpsveen-account",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "organisation": "Gemeente Dorpsveen",
        "admin_groups": ["casustafel-beheer"],
        "privacy_officer_groups": ["casustafel-fg"],
    } | overrides


def log_in_at_provider(issuer: str, authorization_url: str, login: str) -> str:
    """What a person does at the provider, in a browser of its own: follow it to its login
    form, log in as `login`, and return the address it sends the browser back to."""
    with httpx.Client(timeout=10) as browser:
        response = browser.get(authorization_url)
        while response.is_redirect:
            response = browser.get(urljoin(str(response.url), response.headers["location"]))
        action = FORM_ACTION.search(response.text)
        assert action, "geen inlogformulier bij de provider"
        response = browser.post(
            urljoin(str(response.url), action.group(1)),
            data={"prompt": "login", "login": login, "password": "wat-dan-ook"},
        )
        while response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if not location.startswith(issuer):
                return location
            response = browser.get(location)
    raise AssertionError(f"de provider stuurde niet terug ({response.status_code})")
