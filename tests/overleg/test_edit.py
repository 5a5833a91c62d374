"""Editing an overleg: its name, place, covenant and table. One audited commit, invitations for
whoever joined, refusals beside the field with everything kept, pickers that offer only people
who can sit at the table (never the FG), and a fixed cost for the page."""

import json
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.db import today
from app.errors import DomainError
from app.mail.models import OutboxMessage
from app.overleg import flows, service
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingTimes,
    MemberRole,
    SeriesEdit,
    SeriesMember,
    SeriesOrganisation,
)
from app.overleg.schedule import local
from app.users.models import User
from tests.conftest import count_statements
from tests.factories import make_covenant, make_user
from tests.overleg.test_routes import as_user, first_meeting, post
from tests.planning import MAIL, Table


def edit_values(table: Table, series: MeetingSeries, **overrides: object) -> dict[str, object]:
    """The edit form as it opens for the fixture's overleg, with some fields changed."""
    values: dict[str, object] = {
        "name": series.name,
        "covenant_id": series.covenant_id,
        "default_location": series.default_location,
        "organisation_ids": [table.police_id, table.housing_id],
        "member_ids": [table.chair.id, table.member.id],
        "chair_ids": [table.chair.id],
    }
    return values | overrides


def edit(table: Table, series: MeetingSeries, **overrides: object) -> SeriesEdit:
    return SeriesEdit.model_validate(edit_values(table, series, **overrides))


def seated(session: Session, series: MeetingSeries) -> dict[int, MemberRole]:
    rows = session.exec(select(SeriesMember).where(SeriesMember.series_id == series.id)).all()
    return {row.user_id: row.role for row in rows}


def organisations_of(session: Session, series: MeetingSeries) -> set[int]:
    return set(
        session.exec(
            select(SeriesOrganisation.organisation_id).where(
                SeriesOrganisation.series_id == series.id
            )
        ).all()
    )


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def edits_logged(session: Session) -> list[AuditEvent]:
    return list(
        session.exec(select(AuditEvent).where(AuditEvent.action == "overleg.gewijzigd")).all()
    )


def test_a_changed_table_is_logged_and_only_who_joined_is_invited(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    newcomer = make_user(session, name="Nina Nieuw", organisation_id=table.housing_id)
    before = len(outbox(session))

    change = flows.edit_series(
        session,
        series=series,
        edit=edit(table, series, member_ids=[table.chair.id, newcomer.id]),
        by=table.admin,
        mail=MAIL,
    )

    assert (change.joined, change.left) == ([newcomer.id], [table.member.id])
    assert seated(session, series) == {
        table.chair.id: MemberRole.CHAIR,
        newcomer.id: MemberRole.MEMBER,
    }
    invited = outbox(session)[before:]
    assert [mail.to_address for mail in invited] == [newcomer.email]
    assert invited[0].subject == f"Uitnodiging: {series.name}"
    assert "RRULE" in invited[0].attachment
    [logged] = edits_logged(session)
    detail = json.loads(logged.detail)
    assert (detail["leden_erbij"], detail["leden_eraf"]) == ([newcomer.id], [table.member.id])
    assert logged.actor_user_id == table.admin.user.id


def test_a_new_place_moves_the_coming_meetings_still_there_and_tells_everyone(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    moved, *_ = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()
    start = local(moved.starts_at)
    service.move_meeting(
        session,
        series=series,
        meeting=moved,
        times=MeetingTimes(day=start.date(), start_time=start.time(), location="Politiebureau"),
        by=table.admin,
        mail=MAIL,
    )
    before = len(outbox(session))

    flows.edit_series(
        session,
        series=series,
        edit=edit(table, series, default_location="Buurthuis De Kroon"),
        by=table.admin,
        mail=MAIL,
    )

    session.expire_all()
    places = {
        meeting.id: meeting.location
        for meeting in session.exec(select(Meeting).where(Meeting.series_id == series.id))
    }
    assert places.pop(moved.id) == "Politiebureau"
    assert set(places.values()) == {"Buurthuis De Kroon"}
    told = sorted(mail.to_address for mail in outbox(session)[before:])
    assert told == sorted([table.chair.email, table.member.email])


Refusal = Callable[[Session, Table], tuple[dict[str, object], str, str]]
REFUSALS: dict[str, Refusal] = {
    "voorzitter niet aangevinkt als lid": lambda session, t: (
        {"member_ids": [t.member.id]},
        "chair_ids",
        "Victor Voorzitter zit niet aan tafel",
    ),
    "secretaris niet aangevinkt als lid": lambda session, t: (
        {"member_ids": [t.chair.id], "secretary_id": t.member.id},
        "secretary_id",
        "Wouter Wonen zit niet aan tafel",
    ),
    "persoon van een organisatie die geen lid is": lambda session, t: (
        {"member_ids": [t.chair.id, t.member.id, t.outsider.id]},
        "member_ids",
        "Olga Buiten hoort niet bij een van de gekozen organisaties.",
    ),
    "organisatie weg, haar mensen nog aangevinkt": lambda session, t: (
        {"organisation_ids": [t.police_id]},
        "member_ids",
        "Wouter Wonen hoort niet bij een van de gekozen organisaties.",
    ),
    "de FG": lambda session, t: (
        {"member_ids": [t.chair.id, fg(session, t).id]},
        "member_ids",
        "Fenna FG is functionaris gegevensbescherming en zit niet aan tafel.",
    ),
    "een inactief account": lambda session, t: (
        {"member_ids": [t.chair.id, inactive(session, t).id]},
        "member_ids",
        "Ina Inactief is niet actief.",
    ),
    "een beheerder die geen deelnemer is": lambda session, t: (
        {"member_ids": [t.chair.id, t.admin.user.id]},
        "member_ids",
        "is geen deelnemer.",
    ),
    "een onbekende persoon": lambda session, t: (
        {"member_ids": [t.chair.id, 99999]},
        "member_ids",
        "bestaat niet",
    ),
    "een convenant dat niet bestaat": lambda session, t: (
        {"covenant_id": 99999},
        "covenant_id",
        "Kies het convenant",
    ),
    "de naam van een ander overleg": lambda session, t: (
        {"name": other_series(session, t).name},
        "name",
        "Er is al een overleg met deze naam.",
    ),
}


def fg(session: Session, table: Table) -> User:
    return make_user(
        session,
        name="Fenna FG",
        organisation_id=table.police_id,
        is_privacy_officer=True,
        is_participant=False,
    )


def inactive(session: Session, table: Table) -> User:
    return make_user(session, name="Ina Inactief", organisation_id=table.police_id, active=False)


def other_series(session: Session, table: Table) -> MeetingSeries:
    return service.create_series(
        session, plan=table.plan(name="Ander overleg"), by=table.admin, today=today(), mail=MAIL
    )


@pytest.mark.parametrize("refusal", list(REFUSALS.values()), ids=list(REFUSALS))
def test_bad_changes_are_refused_beside_the_field_and_nothing_is_saved(
    session: Session, table: Table, series: MeetingSeries, refusal: Refusal
) -> None:
    overrides, field, message = refusal(session, table)
    table_before = seated(session, series), organisations_of(session, series)
    mails_before = len(outbox(session))

    with pytest.raises(DomainError, match=message) as refused:
        flows.edit_series(
            session,
            series=series,
            edit=edit(table, series, **({"name": "Nieuwe naam"} | overrides)),
            by=table.admin,
            mail=MAIL,
        )

    assert refused.value.field == field
    session.expire_all()
    assert session.get(MeetingSeries, series.id).name == "Integraal overleg Wijk Noord"
    assert (seated(session, series), organisations_of(session, series)) == table_before
    assert len(outbox(session)) == mails_before
    assert edits_logged(session) == []


def test_a_new_covenant_and_organisation_show_in_the_coverage_warning_at_once(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    youth = make_user(session, name="Jan Jongerenwerk").organisation_id
    newer, _ = make_covenant(session, signed_by=(table.police_id, table.housing_id))
    as_user(client, table.admin.user.email)
    before = client.get(f"/overleggen/{series.id}").text

    post(
        client,
        f"/overleggen/{series.id}/wijzigen",
        edit_values(
            table,
            series,
            covenant_id=newer.id,
            organisation_ids=[table.police_id, table.housing_id, youth],
        ),
    )

    after = client.get(f"/overleggen/{series.id}").text
    assert "<strong>Woonstichting</strong> is vandaag niet gedekt" in before
    assert "<strong>Woonstichting</strong> is vandaag niet gedekt" not in after
    assert f"is vandaag niet gedekt door {newer.title}. De organisatie heeft het" in after


def test_saving_confirms_and_the_new_member_is_in_and_the_removed_one_out_at_once(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    newcomer = make_user(session, name="Nina Nieuw", organisation_id=table.housing_id)
    meeting = first_meeting(session, series)
    as_user(client, table.admin.user.email)

    response = post(
        client,
        f"/overleggen/{series.id}/wijzigen",
        edit_values(table, series, member_ids=[table.chair.id, newcomer.id]),
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/overleggen/{series.id}"
    page = client.get(response.headers["location"]).text
    assert "Overleg Integraal overleg Wijk Noord opgeslagen. Het nieuwe lid krijgt" in page
    assert "Nina Nieuw (Woonstichting)" in page
    for path in (f"/overleggen/{series.id}", f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}"):
        assert as_user(client, newcomer.email).get(path).status_code == 200
        assert as_user(client, table.member.email).get(path).status_code == 404


def test_a_refused_edit_comes_back_with_the_message_beside_the_field_and_all_typed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    intruder = fg(session, table)
    as_user(client, table.admin.user.email)

    chair_outside = post(
        client,
        f"/overleggen/{series.id}/wijzigen",
        edit_values(table, series, name="Nieuwe naam", member_ids=[table.member.id]),
    )
    tampered = post(
        client,
        f"/overleggen/{series.id}/wijzigen",
        edit_values(table, series, member_ids=[table.chair.id, intruder.id]),
    )

    assert chair_outside.status_code == 422
    page = chair_outside.text
    assert 'id="chair_ids-error">Victor Voorzitter zit niet aan tafel' in page
    assert 'href="#chair_ids"' in page
    assert 'value="Nieuwe naam"' in page
    chair = table.chair.id
    assert f'id="chair_ids-{chair}" name="chair_ids" value="{chair}" checked' in page
    assert f'id="member_ids-{chair}" name="member_ids" value="{chair}">' in page
    assert tampered.status_code == 422
    assert 'id="member_ids-error">Fenna FG is functionaris gegevensbescherming' in tampered.text
    # Shown ticked, with why, so the tick can be taken away.
    assert (
        f'id="member_ids-{intruder.id}" name="member_ids" value="{intruder.id}" checked'
        in tampered.text
    )
    session.expire_all()
    assert session.get(MeetingSeries, series.id).name == "Integraal overleg Wijk Noord"
    assert edits_logged(session) == []


def people_part(page: str) -> str:
    return page.split('<div id="aan-tafel"', 1)[1].split("</form>", 1)[0]


def test_the_pickers_offer_the_active_deelnemers_of_the_chosen_organisations_only(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    hidden = [
        fg(session, table),
        inactive(session, table),
        table.admin.user,  # beheerder, no deelnemer
        table.outsider,  # not of a member organisation
    ]
    both = make_user(
        session, name="Bram Beheer", organisation_id=table.police_id, is_admin=True
    )  # beheerder and deelnemer
    as_user(client, table.admin.user.email)

    people = people_part(client.get(f"/overleggen/{series.id}/wijzigen").text)

    assert "Politie</legend>" in people and "Woonstichting</legend>" in people
    for name in ("member_ids", "chair_ids"):
        assert f'id="{name}-{both.id}"' in people
        for user in hidden:
            assert f'id="{name}-{user.id}"' not in people
    assert f'<option value="{both.id}">' in people
    assert all(f'<option value="{user.id}">' not in people for user in hidden)
    assert "Fenna FG" not in people and "Olga Buiten" not in people
    member = table.member.id
    assert f'id="member_ids-{member}" name="member_ids" value="{member}" checked' in people


def test_personen_bijwerken_shows_the_people_of_the_ticked_organisations_and_saves_nothing(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    as_user(client, table.admin.user.email)
    path = f"/overleggen/{series.id}/wijzigen"
    typed = edit_values(table, series, name="Getypte naam", actie="personen")

    without_housing = post(client, path, typed | {"organisation_ids": [table.police_id]})
    in_place = post(client, path, typed, **{"HX-Request": "true", "HX-Target": "div#aan-tafel"})
    planning = post(
        client, "/overleggen/nieuw", {"organisation_ids": table.housing_id, "actie": "personen"}
    )

    assert without_housing.status_code == 200
    assert 'value="Getypte naam"' in without_housing.text
    people = people_part(without_housing.text)
    assert "Woonstichting" not in people and "Wouter Wonen" not in people
    assert "Victor Voorzitter" in people
    assert in_place.status_code == 200
    assert in_place.text.lstrip().startswith('<div id="aan-tafel"') and "<html" not in in_place.text
    assert "Wouter Wonen" in in_place.text
    assert planning.status_code == 200 and "Wouter Wonen" in people_part(planning.text)
    session.expire_all()
    assert session.get(MeetingSeries, series.id).name == "Integraal overleg Wijk Noord"
    assert edits_logged(session) == []


@pytest.mark.parametrize(
    "roles",
    [{"is_participant": False}, {"is_admin": True, "is_participant": True}],
    ids=["FG", "FG die ook beheerder is"],
)
def test_the_fg_cannot_edit_an_overleg(
    client: TestClient, session: Session, table: Table, series: MeetingSeries, roles: dict
) -> None:
    privacy_officer = make_user(session, is_privacy_officer=True, **roles)
    as_user(client, privacy_officer.email)
    path = f"/overleggen/{series.id}/wijzigen"

    posted = post(client, path, edit_values(table, series, name="Door de FG"))

    assert posted.status_code == 403
    if roles.get("is_admin"):
        assert client.get(path).status_code == 403
    session.expire_all()
    assert session.get(MeetingSeries, series.id).name == "Integraal overleg Wijk Noord"


def test_the_edit_page_costs_the_same_for_2_or_10_members(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    as_user(client, table.admin.user.email)
    path = f"/overleggen/{series.id}/wijzigen"
    client.get(path)
    with_two = count_statements(app, client, path)
    overview_with_two = count_statements(app, client, f"/overleggen/{series.id}")
    more = [make_user(session, organisation_id=table.housing_id).id for _ in range(8)]
    flows.edit_series(
        session,
        series=series,
        edit=edit(table, series, member_ids=[table.chair.id, table.member.id, *more]),
        by=table.admin,
        mail=MAIL,
    )

    assert len(seated(session, series)) == 10
    assert count_statements(app, client, path) == with_two
    assert count_statements(app, client, f"/overleggen/{series.id}") == overview_with_two
