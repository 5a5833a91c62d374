"""Inloggen met organisatieaccount over HTTP: the app (TestClient) and a real OpenID Provider
(oidc-provider 8 on loopback) on both sides of the authorization code flow with PKCE."""

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select, update

from app.audit import AuditEvent
from app.organisations.models import Organisation
from app.security.sessions import UserSession
from app.sso.models import SsoAttempt, SsoLink
from app.sso.service import ATTEMPT_UNKNOWN, EMAIL_TAKEN, INACTIVE, NO_ORGANISATION
from app.users import service as user_service
from app.users.models import User
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user
from tests.oidc.provider import log_in_at_provider
from tests.pg import free_port

STATE = re.compile(r"state=[^&]+")


def start(client: TestClient, provider: str = "dorpsveen") -> str:
    """Press the provider's button on the login page: the address at the provider."""
    response = client.get(f"/inloggen/sso/{provider}")
    assert response.status_code == 303, response.text
    return response.headers["location"]


def sso_login(client: TestClient, issuer: str, login: str, provider: str = "dorpsveen") -> Response:
    """The whole trip: to the provider, log in there as `login`, and back to the app."""
    return client.get(log_in_at_provider(issuer, start(client, provider), login))


def dorpsveen(session: Session) -> Organisation:
    return make_organisation(session, name="Gemeente Dorpsveen")


def events(session: Session) -> list[tuple[str, str, str | None]]:
    found = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [(event.action, event.outcome, event.context) for event in found]


def links(session: Session) -> list[SsoLink]:
    return list(session.exec(select(SsoLink)).all())


def assert_not_logged_in(client: TestClient, response: Response) -> None:
    assert "casustafel_sessie" not in response.cookies
    assert client.get("/").status_code == 303


def test_login_page_offers_each_provider_above_the_password_form(client: TestClient) -> None:
    page = client.get("/inloggen").text

    assert "Inloggen met organisatieaccount" in page
    assert page.index("Inloggen met Gemeente Dorpsveen-account") < page.index('name="password"')
    assert 'href="/inloggen/sso/extern"' in page
    assert "casustafel-test-geheim" not in page


def test_trusted_provider_links_the_account_of_its_organisation_and_sets_its_roles(
    client: TestClient, session: Session, issuer: str
) -> None:
    user = make_user(
        session,
        email="anna@dorpsveen.example",
        name="Anna Ambtenaar",
        organisation_id=dorpsveen(session).id,
    )

    response = sso_login(client, issuer, "anna")

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert "Welkom, Anna Ambtenaar" in client.get("/").text
    session.refresh(user)
    assert user.is_admin and not user.is_privacy_officer
    assert [(link.subject, link.user_id) for link in links(session)] == [("anna", user.id)]
    actions = [(action, outcome) for action, outcome, _context in events(session)]
    assert ("organisatieaccount.gekoppeld", "gelukt") in actions
    assert ("gebruiker.gewijzigd", "gelukt") in actions
    assert actions[-1] == ("inloggen", "gelukt")
    login = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert login is not None and '"via": "dorpsveen"' in login.detail


def test_first_login_of_someone_unknown_creates_an_account_without_rights_that_waits(
    client: TestClient, session: Session, issuer: str
) -> None:
    organisation = dorpsveen(session)

    first = sso_login(client, issuer, "nieuw", provider="extern")
    again = sso_login(client, issuer, "nieuw", provider="extern")

    assert first.status_code == again.status_code == 200
    assert "Wacht op toelating" in first.text
    assert "Er is nu een Casustafel-account voor u aangemaakt" in first.text
    assert "beheerder" in again.text and "aangemaakt" in again.text
    assert_not_logged_in(client, again)
    user = user_service.find_by_email(session, email="nieuw@dorpsveen.example")
    assert user is not None
    assert (user.name, user.organisation_id, user.password_hash) == (
        "Nora Nieuw",
        organisation.id,
        None,
    )
    assert user.awaiting_admission
    assert not (user.is_admin or user.is_participant or user.is_privacy_officer)
    assert len(session.exec(select(User)).all()) == 1
    assert ("gebruiker.aangemaakt", "gelukt", "via organisatieaccount, wacht op toelating") in (
        events(session)
    )


@pytest.mark.parametrize(
    ("login", "lands_on"),
    [("bram", "/"), ("anna", "/inloggen/tweede-factor/instellen?volgende=%2F")],
)
def test_the_provider_s_second_factor_counts_where_one_is_required(
    app: FastAPI, client: TestClient, session: Session, issuer: str, login: str, lands_on: str
) -> None:
    app.state.settings.mfa_required = True
    organisation = dorpsveen(session)
    for name in ("anna", "bram"):
        make_user(session, email=f"{name}@dorpsveen.example", organisation_id=organisation.id)

    response = sso_login(client, issuer, login)

    assert response.status_code == 303
    assert response.headers["location"] == lands_on
    [user_session] = session.exec(select(UserSession)).all()
    assert user_session.sso_provider == "dorpsveen"


def test_someone_of_an_organisation_casustafel_does_not_know_is_refused(
    client: TestClient, session: Session, issuer: str
) -> None:
    response = sso_login(client, issuer, "nieuw", provider="extern")

    assert response.status_code == 422
    assert NO_ORGANISATION in response.text
    assert session.exec(select(User)).all() == []
    assert events(session)[-1][2] == "organisatieaccount: organisatie onbekend"


@pytest.mark.parametrize(
    ("asked", "lands_on"),
    [
        ("/overleggen", "/overleggen"),
        ("https://elders.example/", "/"),
        ("/overleggen" + "/x" * 300, "/"),
        ("/overleggen\x00", "/"),
    ],
)
def test_the_login_returns_to_the_page_asked_for_on_this_site_only(
    client: TestClient, session: Session, issuer: str, asked: str, lands_on: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    authorization = client.get("/inloggen/sso/dorpsveen", params={"volgende": asked})

    response = client.get(log_in_at_provider(issuer, authorization.headers["location"], "bram"))

    assert response.headers["location"] == lands_on


def test_untrusted_provider_never_takes_over_an_existing_account(
    client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="anna@dorpsveen.example", organisation_id=dorpsveen(session).id)

    response = sso_login(client, issuer, "anna", provider="extern")

    assert response.status_code == 422
    assert EMAIL_TAKEN in response.text
    assert links(session) == []
    assert_not_logged_in(client, response)


def test_trusted_provider_does_not_link_an_account_of_another_organisation(
    client: TestClient, session: Session, issuer: str
) -> None:
    dorpsveen(session)
    user = make_user(session, email="anna@dorpsveen.example", is_admin=False)

    response = sso_login(client, issuer, "anna")

    assert response.status_code == 422
    assert EMAIL_TAKEN in response.text
    session.refresh(user)
    assert not user.is_admin
    assert links(session) == []


def test_deactivated_account_cannot_log_in_through_sso(
    client: TestClient, session: Session, issuer: str
) -> None:
    make_user(
        session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id, active=False
    )

    response = sso_login(client, issuer, "bram")

    assert response.status_code == 422
    assert INACTIVE in response.text
    assert links(session) == []
    assert_not_logged_in(client, response)


def test_a_state_the_app_never_gave_is_refused(
    client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    callback = log_in_at_provider(issuer, start(client), "bram")

    response = client.get(STATE.sub("state=verzonnen", callback))

    assert response.status_code == 422
    assert ATTEMPT_UNKNOWN in response.text
    assert_not_logged_in(client, response)
    assert events(session)[-1] == ("inloggen", "mislukt", "organisatieaccount: state onbekend")


def test_a_state_from_another_browser_is_refused_there_and_still_works_here(
    app: FastAPI, client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    callback = log_in_at_provider(issuer, start(client), "bram")

    with TestClient(app, base_url="http://testserver", follow_redirects=False) as other:
        other.get("/inloggen")
        elsewhere = other.get(callback)
        assert_not_logged_in(other, elsewhere)
    here = client.get(callback)

    assert elsewhere.status_code == 422
    assert ATTEMPT_UNKNOWN in elsewhere.text
    assert here.status_code == 303


def test_a_code_is_used_once(
    app: FastAPI, client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    callback = log_in_at_provider(issuer, start(client), "bram")
    assert client.get(callback).status_code == 303

    with TestClient(app, base_url="http://testserver", follow_redirects=False) as thief:
        same_again = thief.get(callback)
        fresh_state = STATE.search(start(thief))
        assert fresh_state
        with_fresh_state = thief.get(STATE.sub(fresh_state.group(0), callback))
        assert_not_logged_in(thief, with_fresh_state)

    assert same_again.status_code == with_fresh_state.status_code == 422
    assert "is niet gelukt" in with_fresh_state.text
    assert events(session)[-1] == ("inloggen", "mislukt", "organisatieaccount: code geweigerd")


def test_an_id_token_with_another_nonce_is_refused(
    client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    authorization = start(client)
    # The provider answers with the nonce it was sent; here the app expects another one.
    session.execute(update(SsoAttempt).values(nonce="een-andere-nonce"))

    response = client.get(log_in_at_provider(issuer, authorization, "bram"))

    assert response.status_code == 422
    assert_not_logged_in(client, response)
    assert events(session)[-1][2] == "organisatieaccount: id-token ongeldig (nonce)"


def test_a_provider_whose_discovery_names_another_issuer_is_refused(
    app: FastAPI, client: TestClient, session: Session, issuer: str
) -> None:
    provider = app.state.settings.oidc_provider("extern")
    app.state.settings.oidc_providers.append(
        provider.model_copy(
            update={"name": "spiegel", "issuer": issuer.replace("127.0.0.1", "localhost")}
        )
    )

    response = client.get("/inloggen/sso/spiegel")

    assert response.status_code == 422
    assert "Inloggen met extern account is niet gelukt" in response.text
    assert session.exec(select(SsoAttempt)).all() == []
    assert events(session)[-1][2] == "organisatieaccount: issuer klopt niet"


def test_a_provider_that_is_down_gets_a_dutch_message_not_an_error_page(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    provider = app.state.settings.oidc_provider("extern")
    down = f"http://127.0.0.1:{free_port()}"
    app.state.settings.oidc_providers.append(
        provider.model_copy(update={"name": "uit", "issuer": down})
    )

    response = client.get("/inloggen/sso/uit")

    assert response.status_code == 503
    assert "de inlogdienst van uw organisatie is niet bereikbaar" in response.text
    assert 'name="password"' in response.text
    assert events(session)[-1][2] == "organisatieaccount: aanbieder onbereikbaar"


def test_an_unknown_provider_is_a_page_that_does_not_exist(client: TestClient) -> None:
    assert client.get("/inloggen/sso/onbekend").status_code == 404
    assert client.get("/inloggen/sso/onbekend/terug?state=x&code=y").status_code == 404


def test_logging_out_offers_to_log_out_at_the_provider_too(
    client: TestClient, session: Session, issuer: str
) -> None:
    make_user(session, email="bram@dorpsveen.example", organisation_id=dorpsveen(session).id)
    assert sso_login(client, issuer, "bram").status_code == 303

    logged_out = client.post("/uitloggen", data={"csrf_token": csrf_from(client, "/")})
    page = client.get(logged_out.headers["location"])
    onwards = client.get("/uitloggen/sso/dorpsveen")

    assert "U bent uitgelogd." in page.text
    assert 'href="/uitloggen/sso/dorpsveen">Ook uitloggen bij Gemeente Dorpsveen' in page.text
    assert onwards.status_code == 303
    at_provider = onwards.headers["location"]
    assert at_provider.startswith(f"{issuer}/session/end?client_id=casustafel&")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Finloggen%3Fuitgelogd%3D1" in (
        at_provider
    )
    assert httpx.get(at_provider, timeout=10).status_code == 200


def test_logging_out_after_a_password_login_names_no_provider(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    logged_out = client.post("/uitloggen", data={"csrf_token": csrf_from(client, "/")})

    assert logged_out.headers["location"] == "/inloggen?uitgelogd=1"
