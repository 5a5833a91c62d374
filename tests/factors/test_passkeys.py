"""Passkeys as a second factor, without a browser: a software authenticator answers the options
the app hands out, and the app checks the answers (challenge kept server-side, used once,
expiring; the authenticator's counter never going back)."""

import json
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select, update

from app.audit import AuditEvent
from app.config import Settings
from app.db import utcnow
from app.factors import passkeys
from app.factors.models import FactorKind, RecoveryCode, SecondFactor
from app.security.sessions import SESSION_COOKIE, SessionStage, UserSession, token_digest
from app.static_files import static_url
from app.users.models import User
from app.web import templates
from tests.auth.test_login import attempt
from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.factors.authenticator import SoftAuthenticator

ORIGIN = "http://testserver"
ADD = "/account/passkeys"
LOGIN = "/inloggen/tweede-factor/passkey"
STEP_UP = "/bevestigen/passkey"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)"')


@pytest.fixture(autouse=True)
def passkeys_on_testserver(settings: Settings) -> None:
    """The test client's host is the relying party, as localhost is in the browser tests."""
    settings.webauthn_rp_id = "testserver"
    settings.webauthn_origins = [ORIGIN]


@pytest.fixture
def device() -> SoftAuthenticator:
    return SoftAuthenticator(rp_id="testserver", origin=ORIGIN)


def post(client: TestClient, url: str, **fields: str) -> Response:
    """A form post as passkey.js sends it: the page's CSRF token in the header."""
    page = client.get("/inloggen", follow_redirects=True).text  # the second step's or "/"
    token = CSRF_META.search(page)
    assert token
    return client.post(url, data=fields, headers={"X-CSRF-Token": token.group(1)})


def options(client: TestClient, url: str, **fields: str) -> dict[str, Any]:
    response = post(client, f"{url}/opties", **fields)
    assert response.status_code == 200, response.text
    return response.json()


def add_passkey(
    client: TestClient, device: SoftAuthenticator, label: str = "Laptop", volgende: str = "/"
) -> Response:
    offered = options(client, ADD, passkey_label=label)
    return post(
        client, ADD, passkey_label=label, credential=device.create(offered), volgende=volgende
    )


def user_with_passkey(
    client: TestClient, session: Session, device: SoftAuthenticator, **overrides: Any
) -> User:
    """An account with the device's passkey, logged out again."""
    user = make_user(session, **overrides)
    log_in(client, user.email, PASSWORD)
    assert add_passkey(client, device).status_code == 200
    assert post(client, "/uitloggen").status_code == 303
    return user


def start_login(client: TestClient, user: User) -> None:
    response = attempt(client, user.email, PASSWORD)
    assert response.headers["location"].startswith("/inloggen/tweede-factor?")


def stage(client: TestClient, session: Session) -> SessionStage:
    """The stage of the client's own session."""
    token = client.cookies[SESSION_COOKIE]
    return session.exec(
        select(UserSession.stage).where(UserSession.id == token_digest(token))
    ).one()


def audited(session: Session, action: str) -> list[tuple[str, dict[str, Any] | None]]:
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
    ).all()
    return [(event.outcome, json.loads(event.detail)) for event in events]


# --- Adding a passkey -------------------------------------------------------------------------


def test_the_options_name_the_relying_party_and_leave_out_the_passkeys_already_added(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = make_user(session, name="Wim Wijkagent")
    log_in(client, user.email, PASSWORD)
    first = options(client, ADD, passkey_label="Laptop")
    add_passkey(client, device)

    second = options(client, ADD, passkey_label="Telefoon")

    assert first["rp"] == {"id": "testserver", "name": "Casustafel"}
    assert first["user"]["displayName"] == "Wim Wijkagent"
    assert first["attestation"] == "none"
    assert first["authenticatorSelection"]["userVerification"] == "preferred"
    assert first["authenticatorSelection"]["residentKey"] == "preferred"
    assert first["excludeCredentials"] == []
    assert [item["id"] for item in second["excludeCredentials"]] == [device.credential_id_b64]
    assert second["challenge"] != first["challenge"]


def test_a_new_passkey_is_kept_ends_the_other_sessions_and_asks_for_recovery_codes(
    app: Any, client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = make_user(session)
    with TestClient(app, follow_redirects=False) as elsewhere:
        log_in(elsewhere, user.email, PASSWORD)
    log_in(client, user.email, PASSWORD)

    response = add_passkey(client, device, label="  Laptop  ", volgende="/acties")

    factor = session.exec(select(SecondFactor)).one()
    assert response.status_code == 200
    assert response.json() == {"location": "/account/herstelcodes?volgende=%2Facties"}
    assert (factor.user_id, factor.kind, factor.label) == (user.id, FactorKind.PASSKEY, "Laptop")
    assert factor.credential_id == device.credential_id_b64
    assert session.exec(select(UserSession.user_id)).all() == [user.id]
    assert audited(session, "tweede_factor.ingesteld") == [("gelukt", {"soort": "passkey"})]
    assert "Passkey „Laptop” toegevoegd." in client.get("/").text


def test_with_recovery_codes_the_new_passkey_goes_straight_on(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = make_user(session)
    session.add(RecoveryCode(user_id=user.id, code_hash="x"))
    session.commit()
    log_in(client, user.email, PASSWORD)

    response = add_passkey(client, device, volgende="//elders.example/")

    assert response.json() == {"location": "/"}


def test_setting_up_the_required_second_factor_with_a_passkey_completes_the_login(
    client: TestClient, session: Session, settings: Settings, device: SoftAuthenticator
) -> None:
    settings.mfa_required = True
    user = make_user(session)
    attempt(client, user.email, PASSWORD)
    assert stage(client, session) == SessionStage.ENROL

    response = add_passkey(client, device)

    assert response.status_code == 200
    assert stage(client, session) == SessionStage.FULL
    assert client.get("/acties").status_code == 200


def test_a_missing_or_too_long_name_is_refused_beside_its_field_and_nothing_is_kept(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    empty = post(client, f"{ADD}/opties", passkey_label="   ")
    too_long = post(client, f"{ADD}/opties", passkey_label="x" * 101)
    offered = options(client, ADD, passkey_label="Laptop")
    unnamed = post(client, ADD, passkey_label="", credential=device.create(offered))

    for refused in (empty, too_long, unnamed):
        assert refused.status_code == 422
        assert refused.json()["field"] == "passkey_label"
    assert empty.json()["message"] == "Vul dit veld in."
    assert "100" in too_long.json()["message"]
    assert session.exec(select(SecondFactor)).all() == []


def test_an_answer_for_another_site_or_that_is_garbage_adds_nothing(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    phishing = SoftAuthenticator(rp_id="testserver", origin="https://testserver.example")
    offered = options(client, ADD, passkey_label="Laptop")
    foreign = post(client, ADD, passkey_label="Laptop", credential=phishing.create(offered))
    options(client, ADD, passkey_label="Laptop")
    garbage = post(client, ADD, passkey_label="Laptop", credential='{"id": 3}')

    assert (foreign.status_code, garbage.status_code) == (422, 422)
    assert foreign.json()["message"] == passkeys.NOT_ADDED
    assert session.exec(select(SecondFactor)).all() == []


def test_a_login_still_waiting_for_its_second_factor_cannot_add_one(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)

    response = post(client, f"{ADD}/opties", passkey_label="Nog een")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen")


# --- Logging in and confirming with a passkey -------------------------------------------------


def test_the_passkey_completes_the_login_and_goes_to_the_page_asked_for(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)

    offered = options(client, LOGIN)
    response = post(client, LOGIN, credential=device.get(offered), volgende="/acties")

    assert [item["id"] for item in offered["allowCredentials"]] == [device.credential_id_b64]
    assert offered["rpId"] == "testserver"
    assert response.json() == {"location": "/acties"}
    assert stage(client, session) == SessionStage.FULL
    assert session.exec(select(SecondFactor.sign_count)).one() == 1
    assert audited(session, "tweede_factor.gebruikt") == [("gelukt", {"soort": "passkey"})]
    assert client.get("/acties").status_code == 200


def test_an_answer_without_a_challenge_waiting_is_refused(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)

    made_up = {"challenge": "bm9nLW5vb2l0LXVpdGdlZ2V2ZW4"}
    response = post(client, LOGIN, credential=device.get(made_up))

    assert response.status_code == 422
    assert response.json()["message"] == passkeys.NO_CHALLENGE
    assert stage(client, session) == SessionStage.SECOND_FACTOR
    assert audited(session, "tweede_factor.mislukt") == [("mislukt", {"soort": "passkey"})]


def test_a_challenge_is_used_once_even_by_the_right_answer(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)
    offered = options(client, LOGIN)
    phishing = SoftAuthenticator(rp_id="testserver", origin="https://testserver.example")

    wrong = post(client, LOGIN, credential=phishing.get(offered))
    right_but_too_late = post(client, LOGIN, credential=device.get(offered))

    assert wrong.json()["message"] == passkeys.REFUSED
    assert right_but_too_late.json()["message"] == passkeys.NO_CHALLENGE
    assert stage(client, session) == SessionStage.SECOND_FACTOR


def test_a_replayed_answer_is_refused_for_a_new_challenge(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)
    answer = device.get(options(client, LOGIN))
    assert post(client, LOGIN, credential=answer).status_code == 200
    client.cookies.clear()
    start_login(client, user)

    options(client, LOGIN)
    replayed = post(client, LOGIN, credential=answer)

    assert replayed.status_code == 422
    assert replayed.json()["message"] == passkeys.REFUSED
    assert stage(client, session) == SessionStage.SECOND_FACTOR


def test_a_counter_that_goes_back_is_refused_as_a_cloned_passkey(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    session.execute(update(SecondFactor).values(sign_count=7))
    start_login(client, user)

    cloned = post(client, LOGIN, credential=device.get(options(client, LOGIN), sign_count=5))
    client.cookies.clear()
    start_login(client, user)
    moved_on = post(client, LOGIN, credential=device.get(options(client, LOGIN), sign_count=8))

    assert cloned.status_code == 422
    assert moved_on.status_code == 200
    assert session.exec(select(SecondFactor.sign_count)).one() == 8


def test_an_expired_challenge_is_refused(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)
    offered = options(client, LOGIN)
    session.execute(
        update(UserSession).values(passkey_challenge_expires_at=utcnow() - timedelta(seconds=1))
    )

    response = post(client, LOGIN, credential=device.get(offered))

    assert response.json()["message"] == passkeys.NO_CHALLENGE
    assert stage(client, session) == SessionStage.SECOND_FACTOR


def test_someone_elses_passkey_does_not_log_in_to_an_account(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user_with_passkey(client, session, device)
    other_device = SoftAuthenticator(rp_id="testserver", origin=ORIGIN)
    victim = user_with_passkey(client, session, other_device)
    start_login(client, victim)

    response = post(client, LOGIN, credential=device.get(options(client, LOGIN)))

    assert response.json()["message"] == passkeys.REFUSED
    assert stage(client, session) == SessionStage.SECOND_FACTOR


def test_an_account_without_a_passkey_is_told_to_use_another_way(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.add(SecondFactor(user_id=user.id, kind=FactorKind.TOTP, label="Telefoon"))
    session.commit()
    start_login(client, user)

    response = post(client, f"{LOGIN}/opties")

    assert response.status_code == 422
    assert response.json()["message"] == passkeys.NO_PASSKEY


def test_a_full_session_gets_no_login_options(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    response = post(client, f"{LOGIN}/opties")

    assert response.status_code == 303
    assert session.exec(select(UserSession.passkey_challenge)).one() is None


def test_the_passkey_confirms_a_full_session_for_the_dangerous_actions(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    user = user_with_passkey(client, session, device)
    start_login(client, user)
    post(client, LOGIN, credential=device.get(options(client, LOGIN)))
    session.execute(update(UserSession).values(confirmed_at=None))  # long ago

    offered = options(client, STEP_UP)
    response = post(client, STEP_UP, credential=device.get(offered), volgende="/gebruikers")

    assert response.json() == {"location": "/gebruikers"}
    assert session.exec(select(UserSession.confirmed_at)).one() is not None
    assert audited(session, "bevestiging") == [("gelukt", {"soort": "passkey"})]


def test_the_fg_manages_and_uses_their_own_passkey(
    client: TestClient, session: Session, device: SoftAuthenticator
) -> None:
    fg = user_with_passkey(client, session, device, is_privacy_officer=True, is_participant=False)
    start_login(client, fg)

    response = post(client, LOGIN, credential=device.get(options(client, LOGIN)))

    assert response.status_code == 200
    assert session.exec(select(SecondFactor.user_id)).one() == fg.id


# --- Settings ----------------------------------------------------------------------------------


def test_without_a_domain_passkeys_are_not_offered(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.webauthn_rp_id = None
    settings.webauthn_origins = []  # base_url is http://127.0.0.1:8000
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    assert settings.passkey_rp_id is None
    assert post(client, f"{ADD}/opties", passkey_label="Laptop").status_code == 404


def test_the_relying_party_defaults_to_the_host_and_origin_of_the_base_url() -> None:
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None, base_url="https://casustafel.gemeente.nl", webauthn_rp_id=""
    )

    assert configured.passkey_rp_id == "casustafel.gemeente.nl"
    assert configured.passkey_origins == ["https://casustafel.gemeente.nl"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"webauthn_rp_id": "127.0.0.1"}, "browsers weigeren een IP-adres"),
        ({"webauthn_rp_id": "https://localhost:8000"}, "zonder schema, poort of pad"),
        (
            {"webauthn_rp_id": "gemeente.nl", "webauthn_origins": ["https://kwaad.example"]},
            "hoort niet bij het passkey-domein gemeente.nl",
        ),
        ({"webauthn_origins": ["localhost:8000"]}, "CASUSTAFEL_WEBAUTHN_ORIGINS is een origin"),
    ],
)
def test_a_relying_party_browsers_would_refuse_stops_the_start_in_dutch(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_options_are_json_a_browser_reads(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    response = post(client, f"{ADD}/opties", passkey_label="Laptop")

    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.text)["timeout"] == 300_000


# --- The fragments the factor pages include ----------------------------------------------------


def fragment(name: str, settings: Settings, **context: Any) -> str:
    """A fragment as a factor page includes it, with that page's context."""
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(settings=settings)))
    return templates.get_template(f"factors/{name}").render(
        request=request, csrf_token="t", csrf_field="csrf_token", **context
    )


@pytest.mark.parametrize(("purpose", "url"), [("inloggen", LOGIN), ("bevestigen", STEP_UP)])
def test_the_verify_fragment_points_its_button_at_the_purpose(
    settings: Settings, purpose: str, url: str
) -> None:
    html = fragment("_passkey_verify.html", settings, purpose=purpose, next_path="/acties")

    assert f'data-passkey-options="{url}/opties"' in html
    assert f'data-passkey-answer="{url}"' in html
    assert 'data-passkey-next="/acties"' in html
    assert f'<script src="{static_url("js/passkey.js")}" defer></script>' in html


def test_the_fragments_stay_away_without_a_domain_or_without_a_passkey(
    settings: Settings,
) -> None:
    verify = "_passkey_verify.html"
    without_passkey = fragment(verify, settings, purpose="inloggen", has_passkey=False)
    settings.webauthn_rp_id = None
    settings.webauthn_origins = []

    assert without_passkey.strip() == ""
    assert fragment(verify, settings, purpose="inloggen").strip() == ""
    assert fragment("_passkey_add.html", settings, purpose="inrichten").strip() == ""


def test_the_add_fragment_is_hidden_until_the_script_finds_passkey_support(
    settings: Settings,
) -> None:
    html = fragment("_passkey_add.html", settings, purpose="inrichten", next_path="/acties")

    assert re.search(r'<form [^>]*data-passkey="create"[^>]* hidden>', html)
    assert 'data-passkey-next="/acties"' in html
    assert 'name="passkey_label"' in html
    assert "data-passkey-unsupported" in html
