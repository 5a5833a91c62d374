"""New passwords: not short, not common or predictable, not the person's name or e-mail address;
e-mail addresses checked for syntax. Refused beside the field, everything else typed kept."""

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, func, select

from app.demo import DEMO_PASSWORD, DEMO_USERS
from app.security.passwords import COMMON, PERSONAL, PREDICTABLE, TOO_SHORT, password_problem
from app.users.models import INVALID_EMAIL, User
from tests.conftest import csrf_from, log_in, run_cli
from tests.factories import PASSWORD, make_organisation, make_user
from tests.invitations.links import invite, newest_link

GRETA = {"email": "greta.jansen@veenland.example", "name": "Greta de Vries"}
# One of each kind of refusal, with the message beside the field.
REFUSED = {
    "aaaaaaaaaaaa": PREDICTABLE,
    "qwertyuiop12": COMMON,
    "password1234": COMMON,
    "Welkom123456": COMMON,
    "greta.jansen-2026": PERSONAL,
    "xx-Jansen-ww-2026": PERSONAL,
    "mijn-VRIES-wachtwoord": PERSONAL,
    "kort": TOO_SHORT,
}


@pytest.mark.parametrize(("password", "message"), REFUSED.items(), ids=list(REFUSED))
def test_weak_and_personal_passwords_are_refused(password: str, message: str) -> None:
    assert password_problem(password, **GRETA) == message


@pytest.mark.parametrize(
    "password", ["een-lang-testwachtwoord", "Fietsen langs de Vecht 7", "ik-de-groet-2026"]
)
def test_long_unusual_passwords_pass_and_short_name_parts_do_not_count(password: str) -> None:
    assert password_problem(password, **GRETA) is None


@pytest.mark.parametrize(("email", "name"), [(email, name) for email, name, *_ in DEMO_USERS])
def test_the_demo_password_passes_for_every_demo_account(email: str, name: str) -> None:
    assert password_problem(DEMO_PASSWORD, email=email, name=name) is None


@pytest.fixture
def admin_client(client: TestClient, session: Session) -> TestClient:
    log_in(client, make_user(session, is_admin=True, is_participant=False).email, PASSWORD)
    return client


def post_form(client: TestClient, path: str, data: dict[str, str]) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, path)})


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


@pytest.mark.parametrize(
    ("password", "message"),
    [("aaaaaaaaaaaa", PREDICTABLE), ("greta.jansen-2026", PERSONAL), ("password1234", COMMON)],
    ids=["herhaald teken", "lokaal deel e-mailadres", "veelgebruikt"],
)
def test_following_an_invitation_gets_the_refusal_beside_the_password(
    client: TestClient, session: Session, password: str, message: str
) -> None:
    greta = invite(session, **GRETA)
    path = newest_link(session, greta.email)

    response = post_form(client, path, {"password": password, "password_repeat": password})

    assert response.status_code == 422
    page = response.text
    assert f'id="password-error">{message}' in page
    assert password not in page
    assert session.get_one(User, greta.id).password_hash is None


def test_an_address_with_two_at_signs_is_refused_on_create_and_edit(
    admin_client: TestClient, session: Session
) -> None:
    organisation = make_organisation(session)
    colleague = make_user(session)
    before = user_count(session)

    created = post_form(
        admin_client,
        "/gebruikers/nieuw",
        {
            "name": "Greta Veen",
            "email": "greta@@veenland.example",
            "organisation_id": str(organisation.id),
        },
    )
    edited = post_form(
        admin_client,
        f"/gebruikers/{colleague.id}",
        {
            "name": colleague.name,
            "email": "greta@@veenland.example",
            "organisation_id": str(colleague.organisation_id),
            "active": "true",
        },
    )

    for response in (created, edited):
        assert response.status_code == 422
        assert f'id="email-error">{INVALID_EMAIL}' in response.text
        assert 'value="greta@@veenland.example"' in response.text
    assert 'value="Greta Veen"' in created.text
    assert user_count(session) == before
    assert session.exec(select(User.email).where(User.id == colleague.id)).one() == colleague.email


def test_a_reset_link_gets_the_same_rules(client: TestClient, session: Session) -> None:
    colleague = make_user(session, name="Pim Partner")
    post_form(client, "/wachtwoord-vergeten", {"email": colleague.email})
    path = newest_link(session, colleague.email)

    response = post_form(
        client, path, {"password": "pim-partner-2026", "password_repeat": "pim-partner-2026"}
    )

    assert response.status_code == 422
    assert f'id="password-error">{PERSONAL}' in response.text
    after = session.exec(select(User.password_hash).where(User.id == colleague.id)).one()
    assert after == colleague.password_hash


def test_changing_the_own_password_to_a_common_one_is_refused(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    log_in(client, user.email, PASSWORD)

    response = post_form(
        client,
        "/wachtwoord",
        {
            "current_password": PASSWORD,
            "new_password": "iloveyou1234",
            "new_password_repeat": "iloveyou1234",
        },
    )

    assert response.status_code == 422
    assert f'id="new_password-error">{COMMON}' in response.text
    after = session.exec(select(User.password_hash).where(User.id == user.id)).one()
    assert after == user.password_hash


def test_create_user_on_the_command_line_refuses_a_common_password(
    database_url: str, session: Session
) -> None:
    result = run_cli(
        database_url,
        *["create-user", "--email", "gert@ggd.example", "--name", "Gert GGD"],
        *["--organisation", "GGD Dorpsveen", "--kind", "ggd"],
        stdin="password1234\n",
    )

    assert result.returncode == 1
    assert f"Niet aangemaakt: {COMMON}" in result.stderr
    assert session.exec(select(User)).all() == []
