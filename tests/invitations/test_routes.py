"""The pages of a one-time link and of 'wachtwoord vergeten': the mail reaches a real SMTP server,
the link sets a password once and then says it is spent, an unknown address gets the same page,
and only a beheerder (never the FG) sends links."""

import re
from datetime import timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.config import Settings
from app.db import utcnow
from app.mail.sender import deliver_due
from app.users.models import User
from tests.conftest import count_statements, csrf_from, log_in
from tests.factories import PASSWORD, make_organisation, make_user
from tests.invitations.links import invite, link_path, newest_link, outbox_to
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]

NEW_PASSWORD = "fietsen-langs-de-vecht"
SPENT = "Deze link werkt niet meer"
SAME_ANSWER = "Als er een account met dit adres is, ontvangt u binnen enkele minuten een e-mail"
CSRF_VALUE = re.compile(r'value="[0-9a-f]{20,}"')


def post_form(client: TestClient, path: str, data: dict[str, str]) -> Response:
    # The token from a page that always has a form: a spent link's page has none.
    return client.post(path, data=data | {"csrf_token": csrf_from(client, "/wachtwoord-vergeten")})


def set_password(client: TestClient, path: str, password: str = NEW_PASSWORD) -> Response:
    return post_form(client, path, {"password": password, "password_repeat": password})


@pytest.fixture
def admin_client(client: TestClient, session: Session) -> TestClient:
    log_in(client, make_user(session, is_admin=True, name="Bea Beheer").email, PASSWORD)
    return client


def test_invited_person_gets_the_mail_sets_a_password_and_is_in(
    admin_client: TestClient,
    session: Session,
    app: FastAPI,
    mail_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    organisation = make_organisation(session)
    created = post_form(
        admin_client,
        "/gebruikers/nieuw",
        {
            "name": "Lotte Leerplicht",
            "email": "lotte@leerplicht.example",
            "organisation_id": str(organisation.id),
            "is_participant": "true",
        },
    )
    deliver_due(app.state.engine, mail_settings)

    assert created.status_code == 303
    [mail] = smtp_server.mails()
    assert smtp_server.recipients() == ["lotte@leerplicht.example"]
    path = link_path(mail.get_content())
    assert path.startswith("/uitnodiging/")
    with TestClient(app, follow_redirects=False) as newcomer:
        page = newcomer.get(path)
        assert page.status_code == 200 and "Welkom, Lotte Leerplicht" in page.text
        done = set_password(newcomer, path)
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert "Uw wachtwoord is ingesteld. Welkom bij Casustafel." in newcomer.get("/").text
        again = set_password(newcomer, path, "een-ander-lang-wachtwoord")
        assert again.status_code == 410 and SPENT in again.text
        assert newcomer.get(path).status_code == 410
    with TestClient(app, follow_redirects=False) as later:
        log_in(later, "lotte@leerplicht.example", NEW_PASSWORD)


def test_the_account_list_says_invited_until_the_password_is_set(
    admin_client: TestClient, session: Session, app: FastAPI
) -> None:
    with time_machine.travel(utcnow() - timedelta(hours=73)):
        invite(session, name="Eva Eerder", email="eva@wijkteam.example")
    user = invite(session, name="Iris Ingeschreven")

    def status_of(name: str) -> str:
        row = re.search(name + r"</a>.*?</tr>", admin_client.get("/gebruikers").text, re.DOTALL)
        assert row, name
        return row.group(0)

    invited, expired = status_of("Iris Ingeschreven"), status_of("Eva Eerder")
    with TestClient(app, follow_redirects=False) as newcomer:
        set_password(newcomer, newest_link(session, user.email))
    active = status_of("Iris Ingeschreven")

    assert "Uitgenodigd" in invited
    assert "Uitnodiging verlopen" in expired
    assert "Actief" in active and "Uitgenodigd" not in active


def test_the_account_list_costs_the_same_statements_however_many_are_invited(
    admin_client: TestClient, session: Session, app: FastAPI
) -> None:
    invite(session, email="een@wijkteam.example")
    few = count_statements(app, admin_client, "/gebruikers")
    for number in range(5):
        invite(session, email=f"uitgenodigd{number}@wijkteam.example")
    make_user(session)

    assert count_statements(app, admin_client, "/gebruikers") == few


def test_an_expired_invitation_is_a_clear_page_without_account_details(
    client: TestClient, session: Session
) -> None:
    user = invite(session, name="Iris Ingeschreven")
    path = newest_link(session, user.email)

    with time_machine.travel(utcnow() + timedelta(hours=72, minutes=5)):
        shown = client.get(path)
        posted = set_password(client, path)

    for response in (shown, posted):
        assert response.status_code == 410
        assert SPENT in response.text and "verlopen of al gebruikt" in response.text
        assert "Iris" not in response.text and user.email not in response.text
    assert session.get_one(User, user.id).password_hash is None


@pytest.mark.parametrize("token", ["onzin", "a" * 3000, "%00", "..%2F..%2Fgebruikers", "%E2%80%AE"])
def test_a_made_up_link_is_the_same_page_never_a_500(client: TestClient, token: str) -> None:
    for prefix in ("/uitnodiging/", "/wachtwoord-herstellen/"):
        response = client.get(prefix + token)
        assert response.status_code in (404, 410)
        assert "Er ging iets mis" not in response.text


def test_a_refused_password_comes_back_beside_the_field_and_keeps_the_link(
    client: TestClient, session: Session
) -> None:
    user = invite(session)
    path = newest_link(session, user.email)

    mismatch = post_form(client, path, {"password": NEW_PASSWORD, "password_repeat": "anders"})
    empty = post_form(client, path, {"password": "", "password_repeat": ""})

    assert mismatch.status_code == 422
    assert 'id="password_repeat-error">De twee wachtwoorden zijn niet gelijk.' in mismatch.text
    assert NEW_PASSWORD not in mismatch.text
    assert 'href="#password"' in empty.text and empty.status_code == 422
    assert set_password(client, path).status_code == 303


def test_with_a_second_factor_required_the_invitation_leads_to_setting_one_up(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.mfa_required = True
    user = invite(session)

    response = set_password(client, newest_link(session, user.email))

    assert response.headers["location"].startswith("/inloggen/tweede-factor/instellen?volgende=")
    assert client.get("/").headers["location"].startswith("/inloggen")


def test_the_login_page_offers_a_forgotten_password(client: TestClient) -> None:
    page = client.get("/inloggen").text

    assert '<a class="utrecht-link" href="/wachtwoord-vergeten">Wachtwoord vergeten?</a>' in page


def test_forgotten_password_answers_the_same_for_a_known_and_an_unknown_address(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, email="pim@partner.example")

    known = post_form(client, "/wachtwoord-vergeten", {"email": "pim@partner.example"})
    unknown = post_form(client, "/wachtwoord-vergeten", {"email": "pam@partner.example"})

    assert known.status_code == unknown.status_code == 200
    assert SAME_ANSWER in known.text
    assert CSRF_VALUE.sub("", known.text).replace(user.email, "") == CSRF_VALUE.sub(
        "", unknown.text
    ).replace("pam@partner.example", "")
    assert len(outbox_to(session, "pim@partner.example")) == 1
    assert outbox_to(session, "pam@partner.example") == []


def test_a_reset_link_sets_a_new_password_and_logs_out_everywhere(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session)
    with TestClient(app, follow_redirects=False) as other_device:
        log_in(other_device, user.email, PASSWORD)
        post_form(client, "/wachtwoord-vergeten", {"email": user.email})

        response = set_password(client, newest_link(session, user.email))

        assert response.status_code == 303
        assert other_device.get("/").status_code == 303
    assert client.get("/").status_code == 200
    with TestClient(app, follow_redirects=False) as fresh:
        log_in(fresh, user.email, NEW_PASSWORD)
    actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert "wachtwoordherstel.aangevraagd" in actions and "wachtwoordherstel.gebruikt" in actions


def test_forgotten_password_is_throttled_with_a_dutch_message(
    client: TestClient, session: Session, settings: Settings
) -> None:
    user = make_user(session)
    answers = [
        post_form(client, "/wachtwoord-vergeten", {"email": user.email})
        for _ in range(settings.login_max_failures_per_account)
    ]

    assert [answer.status_code for answer in answers[:-1]] == [200] * (len(answers) - 1)
    assert answers[-1].status_code == 422
    assert "Er is te vaak een nieuw wachtwoord aangevraagd" in answers[-1].text
    assert f'value="{user.email}"' in answers[-1].text
    assert len(outbox_to(session, user.email)) == len(answers) - 1


def test_forgotten_password_wants_an_address(client: TestClient) -> None:
    response = post_form(client, "/wachtwoord-vergeten", {"email": "  "})

    assert response.status_code == 422
    assert 'id="email-error">Vul uw e-mailadres in.' in response.text


def test_beheerder_resends_an_invitation_and_the_old_link_stops_working(
    admin_client: TestClient, session: Session
) -> None:
    user = invite(session)
    old = newest_link(session, user.email)
    page = admin_client.get(f"/gebruikers/{user.id}").text

    response = post_form(admin_client, f"/gebruikers/{user.id}/uitnodiging", {})

    assert "Uitnodiging opnieuw versturen" in page and 'type="password"' not in page
    assert response.status_code == 303 and response.headers["location"] == f"/gebruikers/{user.id}"
    assert "Nieuwe uitnodiging verstuurd" in admin_client.get(f"/gebruikers/{user.id}").text
    assert len(outbox_to(session, user.email)) == 2
    assert admin_client.get(old).status_code == 410


def test_beheerder_sends_a_reset_link_and_never_sets_a_password(
    admin_client: TestClient, session: Session
) -> None:
    colleague = make_user(session)
    page = admin_client.get(f"/gebruikers/{colleague.id}").text

    edited = post_form(
        admin_client,
        f"/gebruikers/{colleague.id}",
        {
            "name": colleague.name,
            "email": colleague.email,
            "organisation_id": str(colleague.organisation_id),
            "is_participant": "true",
            "active": "true",
            "new_password": "opnieuw-ingesteld-door-beheer",
        },
    )
    sent = post_form(admin_client, f"/gebruikers/{colleague.id}/wachtwoordherstel", {})

    assert "Wachtwoordherstel sturen" in page and 'type="password"' not in page
    assert edited.status_code == 303 and sent.status_code == 303
    session.expire_all()
    assert session.get_one(User, colleague.id).password_hash == colleague.password_hash
    assert "/wachtwoord-herstellen/" in outbox_to(session, colleague.email)[0].body_text


def test_no_link_for_a_deactivated_account(admin_client: TestClient, session: Session) -> None:
    colleague = make_user(session, active=False)

    response = post_form(admin_client, f"/gebruikers/{colleague.id}/wachtwoordherstel", {})

    assert response.status_code == 422
    assert "Dit account kan niet inloggen" in response.text
    assert outbox_to(session, colleague.email) == []


@pytest.mark.parametrize("kind", ["uitnodiging", "wachtwoordherstel"])
@pytest.mark.parametrize(
    "who",
    [{"is_participant": True}, {"is_privacy_officer": True, "is_participant": False}],
    ids=["deelnemer", "FG"],
)
def test_only_a_beheerder_sends_links(
    client: TestClient, session: Session, kind: str, who: dict[str, bool]
) -> None:
    colleague = make_user(session)
    log_in(client, make_user(session, **who).email, PASSWORD)

    response = client.post(
        f"/gebruikers/{colleague.id}/{kind}", data={"csrf_token": csrf_from(client, "/")}
    )

    assert response.status_code == 403
    assert outbox_to(session, colleague.email) == []
