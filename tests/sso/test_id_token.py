"""ID tokens a real provider never issues are refused: expired, for another client, from another
issuer, for another attempt, signed with another key. They come from the forging provider
(tests/oidc/forger.py): a loopback server with its own key, signing with joserfc."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.sso.service import NO_EMAIL
from app.users.models import User
from tests.factories import make_organisation
from tests.oidc.forger import CODE, Forger

Claims = Callable[[Forger, str], dict[str, Any]]
HOUR = 3600


def forged_login(client: TestClient, forger: Forger, claims: Claims) -> Response:
    """To the forging provider and back, with an ID token of these claims."""
    authorization = client.get("/inloggen/sso/nep").headers["location"]
    query = parse_qs(urlsplit(authorization).query)
    assert query["code_challenge_method"] == ["S256"]
    forger.challenge = query["code_challenge"][0]
    forger.token_claims = claims(forger, query["nonce"][0])
    return client.get(f"/inloggen/sso/nep/terug?code={CODE}&state={query['state'][0]}")


def last_context(session: Session) -> str | None:
    event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    return event.context if event else None


def test_a_good_token_from_the_forging_provider_is_accepted(
    client: TestClient, session: Session, forger: Forger
) -> None:
    make_organisation(session, name="Gemeente Dorpsveen")

    response = forged_login(client, forger, lambda forger, nonce: forger.valid_claims(nonce))

    assert response.status_code == 200, last_context(session)
    assert "Wacht op toelating" in response.text


def test_keys_the_provider_rolled_since_they_were_cached_are_fetched_again(
    client: TestClient, session: Session, forger: Forger
) -> None:
    make_organisation(session, name="Gemeente Dorpsveen")
    assert forged_login(client, forger, lambda forger, nonce: forger.valid_claims(nonce)).is_success
    forger.roll_keys()

    response = forged_login(client, forger, lambda forger, nonce: forger.valid_claims(nonce))

    assert response.status_code == 200, last_context(session)
    assert "Wacht op toelating" in response.text


FORGED: dict[str, tuple[Claims, str]] = {
    "verlopen": (
        lambda forger, nonce: forger.valid_claims(
            nonce, iat=int(time.time()) - 2 * HOUR, exp=int(time.time()) - HOUR
        ),
        "id-token ongeldig (exp)",
    ),
    "voor een andere client": (
        lambda forger, nonce: forger.valid_claims(nonce, aud="een-andere-client"),
        "id-token ongeldig (aud)",
    ),
    "van een andere issuer": (
        lambda forger, nonce: forger.valid_claims(nonce, iss="https://elders.example"),
        "id-token ongeldig (iss)",
    ),
    "voor een andere poging": (
        lambda forger, nonce: forger.valid_claims("een-andere-nonce"),
        "id-token ongeldig (nonce)",
    ),
    "zonder nonce": (
        lambda forger, nonce: forger.valid_claims(nonce) | {"nonce": None},
        "id-token ongeldig (nonce)",
    ),
    "uit de toekomst": (
        lambda forger, nonce: forger.valid_claims(nonce, iat=int(time.time()) + HOUR),
        "id-token ongeldig (iat)",
    ),
}


@pytest.mark.parametrize("forgery", FORGED)
def test_a_forged_id_token_is_refused(
    client: TestClient, session: Session, forger: Forger, forgery: str
) -> None:
    make_organisation(session, name="Gemeente Dorpsveen")
    claims, reason = FORGED[forgery]

    response = forged_login(client, forger, claims)

    assert response.status_code == 422
    assert "Inloggen met nep-account is niet gelukt" in response.text
    assert session.exec(select(User)).all() == []
    assert last_context(session) == f"organisatieaccount: {reason}"


def test_a_token_signed_with_another_key_is_refused(
    client: TestClient, session: Session, forger: Forger
) -> None:
    make_organisation(session, name="Gemeente Dorpsveen")
    forger.publish_another_key()

    response = forged_login(client, forger, lambda forger, nonce: forger.valid_claims(nonce))

    assert response.status_code == 422
    assert session.exec(select(User)).all() == []
    assert last_context(session) == "organisatieaccount: handtekening id-token ongeldig"


def test_nonsense_from_the_token_endpoint_is_refused_without_an_error_page(
    client: TestClient, session: Session, forger: Forger
) -> None:
    forger.token_body = b"<html>Onderhoud</html>"

    response = forged_login(client, forger, lambda forger, nonce: forger.valid_claims(nonce))

    assert response.status_code == 422
    assert "Inloggen met nep-account is niet gelukt" in response.text
    assert last_context(session) is not None


def test_a_token_without_an_email_address_is_refused_with_the_reason(
    client: TestClient, session: Session, forger: Forger
) -> None:
    make_organisation(session, name="Gemeente Dorpsveen")

    response = forged_login(
        client, forger, lambda forger, nonce: forger.valid_claims(nonce, email="geen-adres")
    )

    assert response.status_code == 422
    assert NO_EMAIL in response.text
    assert session.exec(select(User)).all() == []
    assert last_context(session) == "organisatieaccount: geen e-mailadres"
