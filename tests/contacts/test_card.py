"""Mijn contactkaart: a person fills in function, phone, bereikbaarheid and a vervanger."""

from datetime import date
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.contacts.models import ContactCard
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user


def post_card(client: TestClient, **fields: str) -> object:
    data = {"csrf_token": csrf_from(client, "/account")} | fields
    return client.post("/account/contactkaart", data=data)


def test_a_partner_fills_in_their_card_and_sees_it_back_in_dutch_format(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    colleague = make_user(session, name="Carla Collega", organisation_id=user.organisation_id)
    log_in(client, user.email, PASSWORD)

    response = post_card(
        client,
        function="Casusregisseur",
        phone="030 123 4567",
        availability="ma–do 8:30–17:00; spoed via de meldkamer",
        deputy_user_id=str(colleague.id),
        away_until="2026-12-24",
    )
    page = client.get("/account").text

    assert response.status_code == 303 and response.headers["location"] == "/account"
    card = session.exec(select(ContactCard).where(ContactCard.user_id == user.id)).one()
    assert card.phone == "+31301234567" and card.deputy_user_id == colleague.id
    assert card.away_until == date(2026, 12, 24)
    assert "Uw contactkaart is opgeslagen." in page
    assert 'value="030 123 4567"' in page and 'value="Casusregisseur"' in page
    assert f'<option value="{colleague.id}" selected>Carla Collega</option>' in page
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "contactkaart.gewijzigd")
    ).one()
    assert event.object_id == str(user.id)
    assert "030" not in (event.detail or "")  # which fields changed, not what they hold


@pytest.mark.parametrize(
    ("deputy", "message"),
    [
        ("other organisation", "Kies als vervanger iemand van uw eigen organisatie."),
        ("inactive", "Deze persoon heeft geen actief account. Kies een andere vervanger."),
        ("self", "U kunt niet uw eigen vervanger zijn. Kies iemand anders."),
    ],
)
def test_a_vervanger_elsewhere_inactive_or_oneself_is_refused_beside_the_field_keeping_input(
    client: TestClient, session: Session, deputy: str, message: str
) -> None:
    user = make_user(session)
    chosen = {
        "other organisation": lambda: make_user(session, name="Ander Elders"),
        "inactive": lambda: make_user(
            session, name="Oud Collega", organisation_id=user.organisation_id, active=False
        ),
        "self": lambda: user,
    }[deputy]()
    log_in(client, user.email, PASSWORD)

    response = post_card(
        client,
        function="Wijkagent",
        phone="06 1234 5678",
        availability="Altijd via de meldkamer",
        deputy_user_id=str(chosen.id),
    )

    assert response.status_code == 422
    error = response.text.split('id="deputy_user_id-error">')[1].split("</div>")[0]
    assert error == message
    assert f'href="#deputy_user_id">{message}</a>' in response.text  # in the summary too
    assert 'value="Wijkagent"' in response.text and 'value="06 1234 5678"' in response.text
    assert "Altijd via de meldkamer</textarea>" in response.text
    assert session.exec(select(ContactCard)).all() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "bel me"}, "phone"),
        ({"availability": "x" * 301}, "availability"),
        ({"function": "f" * 101}, "function"),
        ({"away_until": "3000-01-01"}, "away_until"),
        ({"away_until": "morgen"}, "away_until"),
        ({"deputy_user_id": "99999999999"}, "deputy_user_id"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
    client: TestClient, session: Session, fields: dict[str, str], field: str
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    response = post_card(client, **fields)

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert session.exec(select(ContactCard)).all() == []


def test_a_foreign_number_is_kept_in_e164_and_shown_internationally(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    post_card(client, phone="+32 2 555 12 12")

    card = session.exec(select(ContactCard)).one()
    assert card.phone == "+3225551212" and card.phone_display == "+32 2 555 12 12"


def test_the_fg_keeps_no_card(client: TestClient, session: Session) -> None:
    fg = make_user(session, is_participant=False, is_privacy_officer=True)
    log_in(client, fg.email, PASSWORD)

    page = client.get("/account").text
    refused = client.post(
        "/account/contactkaart",
        data={"csrf_token": csrf_from(client, "/account"), "function": "FG"},
    )

    assert "Mijn contactkaart" not in page
    assert refused.status_code == 403
    assert session.exec(select(ContactCard)).all() == []


def test_the_vervanger_list_offers_active_colleagues_only(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    make_user(session, name="Actieve Collega", organisation_id=user.organisation_id)
    make_user(
        session, name="Vertrokken Collega", organisation_id=user.organisation_id, active=False
    )
    make_user(session, name="Ander Organisatie", organisation_id=make_organisation(session).id)
    log_in(client, user.email, PASSWORD)

    page = client.get("/account").text
    options = page.split('id="deputy_user_id"')[1].split("</select>")[0]

    assert "Actieve Collega" in options
    assert "Vertrokken Collega" not in options and "Ander Organisatie" not in options


def test_a_phone_field_sent_twice_is_refused_beside_it(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)
    token = csrf_from(client, "/account")
    data = [("csrf_token", token), ("phone", "030 123 4567"), ("phone", "030 123 4567")]

    response = client.post(
        "/account/contactkaart",
        content=urlencode(data),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 422 and 'id="phone-error"' in response.text
    assert session.exec(select(ContactCard)).all() == []
