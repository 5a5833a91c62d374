"""The FG changes nothing: every state-changing route of the app refuses the FG with a 403,
except the few about the FG's own account. A new route must be classified here."""

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# The own-account routes the FG may still use, by method and path.
OWN_ACCOUNT = {
    ("POST", "/inloggen"): "inloggen",
    ("POST", "/uitloggen"): "uitloggen",
    ("POST", "/sessie/actief"): "de eigen sessie in leven houden",
    ("POST", "/wachtwoord"): "eigen wachtwoord wijzigen",
    ("POST", "/account/sessies/elders-uitloggen"): "eigen sessies elders beëindigen",
    ("POST", "/account/sessies/uitloggen"): "een eigen sessie elders beëindigen",
    ("POST", "/wachtwoord-vergeten"): "een link voor een nieuw wachtwoord aanvragen",
    ("POST", "/wachtwoord-herstellen/{token}"): "een nieuw wachtwoord kiezen met een link",
    ("POST", "/uitnodiging/{token}"): "een eerste wachtwoord kiezen met een uitnodiging",
    ("POST", "/agenda-abonnement"): "eigen agenda-abonnementslink maken",
    ("POST", "/inloggen/tweede-factor"): "de tweede stap van het inloggen",
    (
        "POST",
        "/inloggen/tweede-factor/instellen",
    ): "de eigen tweede factor instellen bij het inloggen",
    (
        "POST",
        "/inloggen/tweede-factor/annuleren",
    ): "een inlog die op de tweede factor wacht afbreken",
    ("POST", "/account/tweede-factor/authenticator"): "eigen authenticator-app toevoegen",
    ("POST", "/account/tweede-factor/{factor_id}/verwijderen"): "eigen tweede factor verwijderen",
    ("POST", "/account/herstelcodes"): "eigen nieuwe herstelcodes maken",
    ("POST", "/bevestigen"): "bevestigen wie men is (step-up)",
    ("POST", "/inloggen/tweede-factor/passkey/opties"): "inloggen met passkey (opties)",
    ("POST", "/inloggen/tweede-factor/passkey"): "inloggen met passkey",
    ("POST", "/bevestigen/passkey/opties"): "bevestigen met eigen passkey (opties)",
    ("POST", "/bevestigen/passkey"): "bevestigen met eigen passkey",
    ("POST", "/account/passkeys/opties"): "eigen passkey toevoegen (opties)",
    ("POST", "/account/passkeys"): "eigen passkey toevoegen",
}
# The FG's own work: the register of rights requests (FG only; 404 for anyone else).
FG_WORK = {
    ("POST", "/avg-verzoeken/nieuw"): "een AVG-verzoek registreren",
    ("POST", "/avg-verzoeken/{request_id}/verlengen"): "de termijn verlengen",
    ("POST", "/avg-verzoeken/{request_id}/zoeken"): "de persoon opzoeken",
    ("POST", "/avg-verzoeken/{request_id}/weglaten"): "een onderdeel van het overzicht weglaten",
    ("POST", "/avg-verzoeken/{request_id}/definitief"): "het inzage-overzicht definitief maken",
    ("POST", "/avg-verzoeken/{request_id}/rectificatie"): "een persoonsgegeven rectificeren",
    ("POST", "/avg-verzoeken/{request_id}/wissen"): "een casus wissen bij een verzoek om wissing",
    ("POST", "/avg-verzoeken/{request_id}/besluit"): "het verzoek afhandelen",
}
PATH_PARAMETER = re.compile(r"\{[^}]+\}")
# No object has this id: a 403 for it was given before anything was looked up.
NO_SUCH_ID = "987654"


def state_changing_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app that can change something, behind routers included."""
    return {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        for method in (route.methods or set()) & STATE_CHANGING
    }


@pytest.fixture(
    params=[{"is_participant": False}, {"is_admin": True, "is_participant": True}],
    ids=["alleen FG", "FG die ook beheerder en deelnemer is"],
)
def fg_client(request: pytest.FixtureRequest, client: TestClient, session: Session) -> TestClient:
    fg = make_user(session, is_privacy_officer=True, **request.param)
    log_in(client, fg.email, PASSWORD)
    return client


def test_every_state_changing_route_but_the_own_account_ones_refuses_the_fg(
    app: FastAPI, fg_client: TestClient
) -> None:
    routes = state_changing_routes(app)
    token = csrf_from(fg_client, "/")
    answers = {}
    for method, path in sorted(routes - set(OWN_ACCOUNT) - set(FG_WORK)):
        response = fg_client.request(
            method, PATH_PARAMETER.sub(NO_SUCH_ID, path), headers={"X-CSRF-Token": token}
        )
        from_the_rule = response.status_code == 403 and "Dit formulier is verlopen" not in (
            response.text
        )
        answers[f"{method} {path}"] = "403" if from_the_rule else str(response.status_code)

    assert set(OWN_ACCOUNT) <= routes, "een route op de lijst eigen account bestaat niet meer"
    assert set(FG_WORK) <= routes, "een route op de lijst werk van de FG bestaat niet meer"
    assert ("POST", "/acties") in routes
    assert {route: answer for route, answer in answers.items() if answer != "403"} == {}


def test_the_fg_still_manages_the_own_account(fg_client: TestClient) -> None:
    calendar = fg_client.post(
        "/agenda-abonnement", data={"csrf_token": csrf_from(fg_client, "/agenda-abonnement")}
    )
    password = fg_client.post(
        "/wachtwoord",
        data={
            "current_password": PASSWORD,
            "new_password": "een-ander-lang-wachtwoord",
            "new_password_repeat": "een-ander-lang-wachtwoord",
            "csrf_token": csrf_from(fg_client, "/wachtwoord"),
        },
    )
    heartbeat = fg_client.post("/sessie/actief", data={"csrf_token": csrf_from(fg_client, "/")})
    logout = fg_client.post("/uitloggen", data={"csrf_token": csrf_from(fg_client, "/")})

    assert calendar.status_code == 200 and "/agenda/" in calendar.text
    assert password.status_code == 303
    assert heartbeat.status_code == 204
    assert logout.status_code == 303
    assert fg_client.get("/acties").status_code == 303  # logged out: to the login page
