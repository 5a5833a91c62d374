"""The live page answers each action with the part it changed: beside its field on a refusal,
in a fixed number of statements, never overwriting a change made meanwhile, and without
JavaScript back to the page at the item."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItem, AgendaItemCreate
from app.audit import AuditEvent
from app.cases.models import Case
from app.meetings import service
from app.meetings.models import MeetingAttendance, Presence
from app.overleg.models import Meeting, MeetingSeries
from app.tasks import service as task_service
from app.tasks.models import Task, TaskCreate
from tests.conftest import csrf_from, log_in, statements_of, statements_sent
from tests.factories import PASSWORD
from tests.meetings.test_live import (
    case_on,
    chair,
    identified_reads,
    open_meeting,
    started,
)
from tests.planning import Table

HTMX = {"HX-Request": "true"}


def live_path(series: MeetingSeries, meeting: Meeting) -> str:
    return f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"


def item_of(session: Session, case: Case) -> AgendaItem:
    return session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).one()


def running_with_case(
    session: Session, table: Table, series: MeetingSeries, identified: bool = True
) -> tuple[Meeting, Case, AgendaItem]:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting, identified=identified)
    started(session, table, meeting)
    return meeting, case, item_of(session, case)


def test_saving_the_owner_answers_with_the_owner_form_showing_the_owner_and_the_item_state(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, item = running_with_case(session, table, series, identified=False)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    response = client.post(
        f"{base}/punten/{item.id}/eigenaar",
        data={
            f"owner_organisation_id-{item.id}": str(table.police_id),
            f"owner_was-{item.id}": ":",
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div id="eigenaar-{item.id}"')
    assert f'<option value="{table.police_id}" selected>' in response.text
    assert "Casus-eigenaar: Politie" in response.text
    assert f'<span id="punt-stand-{item.id}" data-hx-swap-oob="true">' in response.text
    assert (
        '<p id="punt-nav-telling" class="casustafel-item-nav__count" data-hx-swap-oob="true">'
        in (response.text)
    )
    assert "<html" not in response.text


def test_an_owner_changed_meanwhile_is_not_overwritten(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, case, item = running_with_case(session, table, series, identified=False)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)
    seen = ":"  # the form was loaded before the secretary chose the owner
    client.post(
        f"{base}/punten/{item.id}/eigenaar",
        data={
            f"owner_organisation_id-{item.id}": str(table.housing_id),
            f"owner_was-{item.id}": seen,
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    stale = client.post(
        f"{base}/punten/{item.id}/eigenaar",
        data={
            f"owner_organisation_id-{item.id}": str(table.police_id),
            f"owner_was-{item.id}": seen,
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    assert stale.status_code == 422
    assert "intussen gewijzigd" in stale.text
    assert f'<option value="{table.police_id}" selected>' in stale.text  # the choice is kept
    session.refresh(case)
    assert case.owner_organisation_id == table.housing_id


def test_attendance_of_everyone_on_one_form_saves_only_what_was_changed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, _ = running_with_case(session, table, series)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)
    chair_id, member_id = table.chair.id, table.member.id

    response = client.post(
        f"{base}/aanwezigheid",
        data={
            f"presence-{chair_id}": "aanwezig",
            f"shown-{chair_id}": "",
            f"presence-{member_id}": "afwezig met bericht",
            f"shown-{member_id}": "",
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="aanwezigheid"')
    stored = {
        row.user_id: row.presence
        for row in session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
    }
    assert stored == {chair_id: Presence.PRESENT, member_id: Presence.EXCUSED}


def test_attendance_changed_meanwhile_refuses_the_whole_form(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, _ = running_with_case(session, table, series)
    service.set_presence(
        session,
        meeting=meeting,
        user_id=table.member.id,
        presence=Presence.PRESENT,
        by=chair(table),
    )
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    response = client.post(
        f"{base}/aanwezigheid",
        data={
            f"presence-{table.chair.id}": "aanwezig",
            f"shown-{table.chair.id}": "",
            f"presence-{table.member.id}": "afwezig",
            f"shown-{table.member.id}": "",  # loaded before the other chair recorded Wouter
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    assert response.status_code == 422
    assert f'id="presence-{table.member.id}-error"' in response.text
    assert "intussen gewijzigd" in response.text
    rows = session.exec(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    assert [(row.user_id, row.presence) for row in rows] == [(table.member.id, Presence.PRESENT)]


def test_a_task_agreed_here_can_be_corrected_and_taken_back_but_not_from_a_stale_form(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, item = running_with_case(session, table, series, identified=False)
    task = task_service.add_task(
        session,
        meeting=meeting,
        item=item,
        data=TaskCreate(description="Huisbezoek", assignee_organisation_id=table.police_id),
        by=chair(table),
    )
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)
    token = csrf_from(client, base)
    fields = {
        f"task-description-{task.id}": "Huisbezoek met de GGD",
        f"task-assignee_organisation_id-{task.id}": str(table.housing_id),
        f"task-due_on-{task.id}": task.due_on.isoformat(),
        "csrf_token": token,
    }

    changed = client.post(f"{base}/acties/{task.id}", data=fields | {"version": "1"}, headers=HTMX)
    stale = client.post(
        f"{base}/acties/{task.id}/verwijderen",
        data={"version": "1", "csrf_token": token},
        headers=HTMX,
    )
    removed = client.post(
        f"{base}/acties/{task.id}/verwijderen",
        data={"version": "2", "csrf_token": token},
        headers=HTMX,
    )

    assert changed.status_code == 200 and "Huisbezoek met de GGD" in changed.text
    assert stale.status_code == 422 and "intussen gewijzigd" in stale.text
    assert removed.status_code == 200 and "Actie verwijderd: Huisbezoek met de GGD" in removed.text
    assert session.exec(select(Task.id).where(Task.id == task.id)).all() == []
    actions = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "taak", AuditEvent.object_id == str(task.id)
        )
    ).all()
    assert actions == ["taak.aangemaakt", "taak.gewijzigd", "taak.verwijderd"]


def test_a_refused_task_comes_back_beside_its_field_with_what_was_typed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, item = running_with_case(session, table, series, identified=False)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    response = client.post(
        f"{base}/punten/{item.id}/taken",
        data={
            f"description-{item.id}": "Huisbezoek afleggen",
            "csrf_token": csrf_from(client, base),
        },
        headers=HTMX,
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith(f'<div id="actie-nieuw-{item.id}"')
    assert f'id="assignee_organisation_id-{item.id}-error"' in response.text
    assert 'value="Huisbezoek afleggen"' in response.text
    assert session.exec(select(Task).where(Task.meeting_id == meeting.id)).all() == []


def test_without_javascript_an_action_goes_back_to_the_page_at_its_item(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, item = running_with_case(session, table, series, identified=False)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    response = client.post(
        f"{base}/punten/{item.id}/taken",
        data={
            f"description-{item.id}": "Huisbezoek afleggen",
            f"assignee_organisation_id-{item.id}": str(table.police_id),
            "csrf_token": csrf_from(client, base),
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"{base}?punt={item.id}#acties-{item.id}"
    assert "Huisbezoek afleggen" in client.get(response.headers["location"]).text


def test_only_the_casus_in_view_is_revealed_and_logged(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    first = case_on(session, table, series, meeting, crypto=app.state.crypto)
    second = case_on(session, table, series, meeting, crypto=app.state.crypto)
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    page = client.get(base).text
    panel = client.get(f"{base}/punten/{item_of(session, second).id}", headers=HTMX).text
    again = client.get(f"{base}/punten/{item_of(session, second).id}/casus", headers=HTMX).text

    assert (
        page.count("Kees Wildeboer") == 1
        and "Kees Wildeboer" in panel
        and "Kees Wildeboer" in again
    )
    assert panel.lstrip().startswith('<section id="punt-') and "<html" not in panel
    assert (identified_reads(session, first), identified_reads(session, second)) == (1, 1)


def test_each_action_costs_the_same_number_of_statements_for_5_or_50_items(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id)
        .order_by(col(Meeting.starts_at))
        .offset(1)
    ).all()[:2]
    items = []
    for meeting, size in ((first, 5), (second, 50)):
        for n in range(size - 1):
            agenda_service.add_item(
                session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title=f"Punt {n}")
            )
        items.append(item_of(session, case_on(session, table, series, meeting, identified=False)))
        started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    costs = []
    for meeting, item in zip((first, second), items, strict=True):
        base = live_path(series, meeting)
        token = csrf_from(client, base)

        def owner(base: str = base, item: AgendaItem = item, token: str = token) -> object:
            return client.post(
                f"{base}/punten/{item.id}/eigenaar",
                data={
                    f"owner_organisation_id-{item.id}": str(table.police_id),
                    "csrf_token": token,
                },
                headers=HTMX,
            )

        def task(base: str = base, item: AgendaItem = item, token: str = token) -> object:
            return client.post(
                f"{base}/punten/{item.id}/taken",
                data={
                    f"description-{item.id}": "Huisbezoek",
                    f"assignee_organisation_id-{item.id}": str(table.police_id),
                    "csrf_token": token,
                },
                headers=HTMX,
            )

        def presence(base: str = base, token: str = token) -> object:
            return client.post(
                f"{base}/aanwezigheid",
                data={f"presence-{table.chair.id}": "aanwezig", "csrf_token": token},
                headers=HTMX,
            )

        owner(), task()  # warm up: the session touch
        costs.append([statements_of(app, send) for send in (owner, task)])
        costs[-1].append(statements_of(app, presence))

    assert costs[0] == costs[1]


def test_an_action_that_shows_no_person_reveals_and_logs_none(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, case, item = running_with_case(session, table, series)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)
    token = csrf_from(client, "/")  # the start page: no casus shown

    owner = client.post(
        f"{base}/punten/{item.id}/eigenaar",
        data={f"owner_organisation_id-{item.id}": str(table.police_id), "csrf_token": token},
        headers=HTMX,
    )
    task = client.post(
        f"{base}/punten/{item.id}/taken",
        data={
            f"description-{item.id}": "Huisbezoek",
            f"assignee_organisation_id-{item.id}": str(table.police_id),
            "csrf_token": token,
        },
        headers=HTMX,
    )

    assert (owner.status_code, task.status_code) == (200, 200)
    assert "Kees Wildeboer" not in owner.text + task.text
    assert identified_reads(session, case) == 0


def test_attendance_for_someone_not_at_the_table_is_refused_above_the_form(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, _ = running_with_case(session, table, series)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)

    response = client.post(
        f"{base}/aanwezigheid",
        data={f"presence-{table.outsider.id}": "aanwezig", "csrf_token": csrf_from(client, "/")},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert '<p id="live-melding"' in response.text
    assert "Deze persoon zit niet aan tafel bij dit overleg." in response.text
    assert (
        session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
        == []
    )


def test_who_is_present_uncovered_stays_in_sight_when_attendance_is_folded(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, _ = running_with_case(session, table, series)
    for user_id in (table.chair.id, table.member.id):
        service.set_presence(
            session, meeting=meeting, user_id=user_id, presence=Presence.PRESENT, by=chair(table)
        )
    log_in(client, table.chair.email, PASSWORD)

    page = client.get(live_path(series, meeting)).text

    summary = page[page.index("<summary>") : page.index("</summary>")]
    assert "niet gedekt aanwezig: Wouter Wonen" in summary


def test_the_navigator_shows_every_item_while_only_the_item_in_view_is_on_the_page(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    first = item_of(session, case_on(session, table, series, meeting, crypto=app.state.crypto))
    second = item_of(session, case_on(session, table, series, meeting, crypto=app.state.crypto))
    started(session, table, meeting)
    service.set_presence(  # not covered: every identified casus is discussed anonymously
        session,
        meeting=meeting,
        user_id=table.member.id,
        presence=Presence.PRESENT,
        by=chair(table),
    )
    log_in(client, table.chair.email, PASSWORD)

    page = client.get(f"{live_path(series, meeting)}?punt={second.id}").text

    assert f'id="punt-{second.id}"' in page and f'id="punt-{first.id}"' not in page
    assert page.count("anoniem besproken</span>") == 2  # both items, in the navigator
    assert f"1. {first.title}" in page and f"2. {second.title}" in page
    assert "0 van 2 casussen compleet" in page
    assert "Kees Wildeboer" not in page


def test_an_action_reads_only_what_its_parts_show(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting, _, item = running_with_case(session, table, series, identified=False)
    log_in(client, table.chair.email, PASSWORD)
    base = live_path(series, meeting)
    token = csrf_from(client, base)

    def reads(statements: list[str], table_name: str) -> bool:
        return any(f"FROM {table_name}" in s for s in statements if s.lstrip().startswith("SELECT"))

    attendance = statements_sent(
        app,
        lambda: client.post(
            f"{base}/aanwezigheid",
            data={f"presence-{table.chair.id}": "aanwezig", "csrf_token": token},
            headers=HTMX,
        ),
    )
    owner = statements_sent(
        app,
        lambda: client.post(
            f"{base}/punten/{item.id}/eigenaar",
            data={f"owner_organisation_id-{item.id}": str(table.police_id), "csrf_token": token},
            headers=HTMX,
        ),
    )

    # Attendance answers with who is there and the navigator: no item, casus or task is read.
    assert not any(reads(attendance, name) for name in ("case_file", "task", "item_record"))
    # The owner answers with the owner form: no contributions and no tasks are read.
    assert not reads(owner, "item_contribution") and not reads(owner, "task")
