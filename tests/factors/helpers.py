"""Setting up and using an authenticator app through the pages, as a person would."""

import html
import re
import time
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session, update

from app.db import utcnow
from app.security.sessions import UserSession
from tests.conftest import csrf_from

SECRET = re.compile(r'id="totp-sleutel"[^>]*>([A-Z2-7 ]+)<')
RECOVERY_CODE = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>")
ADD_PAGE = "/account/tweede-factor/authenticator"


def secret_on(page_html: str) -> str:
    """The authenticator secret a set-up page shows (in groups of four), as one string."""
    match = SECRET.search(page_html)
    assert match, "geen sleutel op de pagina"
    return match.group(1).replace(" ", "")


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """The code the app shows now, or that many 30-second steps later (still accepted: one
    step of clock drift counts)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def set_up_authenticator(client: TestClient, *, label: str = "Telefoon") -> str:
    """Add an authenticator app on the account's page of a logged-in client; its secret."""
    secret = secret_on(client.get(ADD_PAGE).text)
    response = client.post(
        ADD_PAGE,
        data={"label": label, "code": code_for(secret), "csrf_token": csrf_from(client, ADD_PAGE)},
    )
    assert response.status_code == 303, response.text
    return secret


def recovery_codes(client: TestClient) -> list[str]:
    """The recovery codes the page shows this once, right after the first factor."""
    return RECOVERY_CODE.findall(html.unescape(client.get("/account/herstelcodes").text))


def enter_code(client: TestClient, code: str, next_path: str = "/") -> object:
    """Send a code on the login's second step."""
    page = f"/inloggen/tweede-factor?volgende={next_path}"
    return client.post(
        "/inloggen/tweede-factor",
        data={"code": code, "volgende": next_path, "csrf_token": csrf_from(client, page)},
    )


def age_confirmations(session: Session, minutes: int = 20) -> None:
    """Make every session's last confirmation older than the step-up window."""
    session.execute(update(UserSession).values(confirmed_at=utcnow() - timedelta(minutes=minutes)))
    session.commit()
