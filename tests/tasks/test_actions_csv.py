"""'Mijn acties' as CSV for Dutch Excel: the same tasks as the page, nobody else's, every cell
safe from formula injection, and the export in the audit log."""

import csv
import io
import json
import os
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.audit import AuditEvent
from app.cases import service as case_service
from app.cases.models import AgeBand, AnonymisedFields, Case, CaseCategory, CaseSubmission
from app.db import today
from app.overleg.models import Meeting, MeetingSeries
from app.security.crypto import CaseCrypto, DataCipher
from app.spreadsheet import BYTE_ORDER_MARK
from app.tasks import service as task_service
from app.tasks.models import Task, TaskCreate
from tests.conftest import log_in, statements_of
from tests.factories import PASSWORD, make_user
from tests.planning import Table
from tests.tasks.conftest import agree, chair, report, report_setback

CRYPTO = CaseCrypto(cipher=DataCipher((os.urandom(32),)), index_key=b"k" * 32)
FORMULA = '=HYPERLINK("http://x","klik")'


def download(client: TestClient) -> list[dict[str, str]]:
    """The CSV as rows by column name, after checking it is a file for Dutch Excel."""
    response = client.get("/acties/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.startswith(BYTE_ORDER_MARK)
    text = response.text.removeprefix(BYTE_ORDER_MARK)
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def agree_about_a_case(session: Session, table: Table, series: MeetingSeries) -> Task:
    """A task for the chair about an anonymised casus on the next meeting's agenda."""
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()
    case = case_service.submit_case(
        session,
        series=series,
        data=CaseSubmission(
            meeting_id=meeting.id,
            pseudonym="Man met overlast",
            identified=False,
            categories=[CaseCategory.NUISANCE],
            reason="Drie meldingen gedaan.",
            question="Wie legt contact?",
        ),
        people=[],
        details=AnonymisedFields(age_band=AgeBand.ADULT, situation="Zorgen, geen naam bekend."),
        crypto=CRYPTO,
        by=chair(table),
        today=today(),
    )
    item = session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).one()
    agree(session, table, series, "Rondvraag voorbereiden", table.housing_id)  # starts the meeting
    return task_service.add_task(
        session,
        meeting=meeting,
        item=item,
        by=chair(table),
        data=TaskCreate(
            description="Contact leggen met de buren",
            assignee_organisation_id=table.police_id,
            assignee_user_id=table.chair.id,
        ),
    )


def test_the_csv_lists_what_the_page_lists_over_its_views_and_nothing_else(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    about_a_case = agree_about_a_case(session, table, series)
    overdue = agree(session, table, series, "Buurtonderzoek doen", table.police_id)
    done = agree(session, table, series, "Huisbezoek afleggen", table.police_id, table.chair)
    agree(session, table, series, "Schouw van de woning", table.housing_id)
    overdue.due_on = today() - timedelta(days=3)
    session.add(overdue)
    session.commit()
    log_in(client, table.chair.email, PASSWORD)
    report(client, done, feedback="Huisbezoek gedaan; meneer wil hulp.")
    proposed = today() + timedelta(days=14)
    report_setback(client, overdue, "meer tijd nodig", "Buren niet thuis.", proposed.isoformat())

    pages = client.get("/acties").text + client.get("/acties?weergave=afgerond").text
    rows = {row["Actie"]: row for row in download(client)}

    assert set(rows) == {
        "Contact leggen met de buren",
        "Buurtonderzoek doen",
        "Huisbezoek afleggen",
    }
    assert all(description in pages for description in rows)
    assert "Schouw van de woning" not in pages
    case = rows["Contact leggen met de buren"]
    reference = session.get(Case, about_a_case.case_id).reference
    assert (case["Casus"], case["Pseudoniem"]) == (reference, "Man met overlast")
    assert (case["Voor"], case["Overleg"], case["Status"]) == ("u", series.name, "open")
    assert case["Uiterlijk"] == about_a_case.due_on.isoformat()
    late = rows["Buurtonderzoek doen"]
    assert (late["Voor"], late["Status"], late["Doorgegeven"]) == (
        "Politie",
        "te laat",
        "meer tijd nodig",
    )
    assert (late["Voorgestelde datum"], late["Terugkoppeling of reden"]) == (
        proposed.isoformat(),
        "Buren niet thuis.",
    )
    finished = rows["Huisbezoek afleggen"]
    assert (finished["Status"], finished["Gereed op"]) == ("afgerond", today().isoformat())
    assert finished["Terugkoppeling of reden"] == "Huisbezoek gedaan; meneer wil hulp."


def test_a_task_text_that_is_a_formula_comes_out_as_text(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    agree(session, table, series, FORMULA, table.police_id, table.chair)
    log_in(client, table.chair.email, PASSWORD)

    response = client.get("/acties/export")

    assert f"'{FORMULA}".replace('"', '""') in response.text
    assert [row["Actie"] for row in download(client)] == [f"'{FORMULA}"]


def test_the_export_is_a_dutch_named_attachment_and_in_the_audit_log(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    tasks = [
        agree(session, table, series, "Huisbezoek afleggen", table.police_id, table.chair),
        agree(session, table, series, "Buurtonderzoek doen", table.police_id),
    ]
    log_in(client, table.chair.email, PASSWORD)

    response = client.get("/acties/export")

    assert response.headers["content-disposition"] == (
        f'attachment; filename="mijn-acties-{today().isoformat()}.csv"'
    )
    [event] = session.exec(
        select(AuditEvent).where(AuditEvent.action == "acties.geexporteerd")
    ).all()
    assert (event.actor_user_id, event.actor_organisation) == (table.chair.id, "Politie")
    assert sorted(json.loads(event.detail)["acties"]) == sorted(task.id for task in tasks)


def test_someone_not_at_the_table_gets_only_the_header_and_a_stranger_the_login_page(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    agree(session, table, series, "Buurtonderzoek doen", table.police_id)
    police_not_at_the_table = make_user(session, organisation_id=table.police_id)

    logged_out = client.get("/acties/export")
    log_in(client, police_not_at_the_table.email, PASSWORD)
    rows = download(client)

    assert logged_out.status_code == 303 and logged_out.headers["location"].startswith("/inloggen")
    assert rows == []


def test_the_export_costs_the_same_statements_for_two_tasks_as_for_twelve(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    def agree_and_finish(count: int) -> None:
        for n in range(count):
            task = agree(session, table, series, f"Actie {n:02}", table.police_id, table.chair)
            if n % 2:
                report(client, task)

    log_in(client, table.chair.email, PASSWORD)
    agree_and_finish(2)
    few = statements_of(app, lambda: client.get("/acties/export"))
    agree_and_finish(10)
    many = statements_of(app, lambda: client.get("/acties/export"))

    assert len(download(client)) == 12
    assert few == many
