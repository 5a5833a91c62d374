"""Tasks belong to the overleg: only its members see them under 'mijn acties' and report back."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import today
from app.errors import DomainError
from app.overleg import service as overleg_service
from app.overleg.models import Meeting, MeetingSeries, MemberRole, SeriesMember
from app.tasks import service as task_service
from app.tasks.models import Task, TaskFeedback, TaskStatus
from app.users.models import User
from tests.conftest import count_statements, log_in
from tests.factories import PASSWORD, make_organisation, make_user
from tests.planning import MAIL, Table
from tests.tasks.conftest import agree, chair, report


def plan(
    session: Session, table: Table, name: str, organisation_id: int, member: User
) -> MeetingSeries:
    """An overleg with the police chair and one member of the given organisation."""
    plan = table.plan(
        name=name,
        organisation_ids=[table.police_id, organisation_id],
        member_ids=[member.id],
    )
    return overleg_service.create_series(
        session, plan=plan, by=table.admin, today=today(), mail=MAIL
    )


@dataclass
class TwoTables:
    """Overleg A and B, both with the Gemeente at the table, each with another Gemeente member."""

    gemeente_id: int
    in_a: User  # a beheerder, member of A only
    in_b: User  # member of B only
    a: MeetingSeries
    b: MeetingSeries


@pytest.fixture
def two(session: Session, table: Table) -> TwoTables:
    gemeente = make_organisation(session, name="Gemeente Dorpsveen")
    in_a = make_user(session, name="Bea Beheer", organisation_id=gemeente.id, is_admin=True)
    in_b = make_user(session, name="Gerda Gemeente", organisation_id=gemeente.id)
    a = plan(session, table, "Overleg A", gemeente.id, in_a)
    b = plan(session, table, "Overleg B", gemeente.id, in_b)
    return TwoTables(gemeente_id=gemeente.id, in_a=in_a, in_b=in_b, a=a, b=b)


def test_a_gemeente_user_outside_overleg_b_sees_none_of_its_tasks_and_gets_a_404(
    client: TestClient, session: Session, table: Table, two: TwoTables
) -> None:
    own = agree(session, table, two.a, "Buurtbemiddeling starten", two.gemeente_id)
    for_the_organisation = agree(session, table, two.b, "Schuldhulp aanbieden", two.gemeente_id)
    named = agree(session, table, two.b, "Gesprek met school", two.gemeente_id, person=two.in_b)

    log_in(client, two.in_a.email, PASSWORD)  # a beheerder: no exception for them
    page = client.get("/acties").text
    refused = [report(client, task) for task in (for_the_organisation, named)]
    missing = report(client, Task(id=named.id + 1000))

    assert "Buurtbemiddeling starten" in page and f'name="task_id" value="{own.id}"' in page
    assert "Schuldhulp aanbieden" not in page and "Gesprek met school" not in page
    assert [response.status_code for response in refused] == [404, 404]
    assert refused[0].text == missing.text  # that the task exists does not leak
    session.expire_all()
    assert session.get(Task, for_the_organisation.id).status == TaskStatus.OPEN


def test_a_member_of_the_assigned_organisation_sees_and_reports_back(
    client: TestClient, session: Session, table: Table, two: TwoTables
) -> None:
    for_the_organisation = agree(session, table, two.b, "Schuldhulp aanbieden", two.gemeente_id)
    named = agree(session, table, two.b, "Gesprek met school", two.gemeente_id, person=two.in_b)
    agree(session, table, two.a, "Buurtbemiddeling starten", two.gemeente_id)

    log_in(client, two.in_b.email, PASSWORD)
    page = client.get("/acties").text
    done = report(client, for_the_organisation)

    assert "Schuldhulp aanbieden" in page and "Gesprek met school" in page
    assert "Buurtbemiddeling starten" not in page
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Task, for_the_organisation.id).status == TaskStatus.DONE
    assert session.get(Task, named.id).status == TaskStatus.OPEN


def test_a_task_cannot_name_someone_who_is_not_at_the_table(
    session: Session, table: Table, two: TwoTables
) -> None:
    with pytest.raises(DomainError, match="niet aan tafel") as refused:
        agree(session, table, two.b, "Gesprek met school", two.gemeente_id, person=two.in_a)

    assert refused.value.field == "assignee_user_id"


def overdue_and_done(session: Session, table: Table, two: TwoTables, n: int) -> None:
    """An overdue task and a done one (reported by the assignee or found done by the chair)."""
    late = agree(session, table, (two.a, two.b)[n % 2], f"Te late actie {n}", two.gemeente_id)
    late.due_on = today() - timedelta(days=1 + n)
    session.add(late)
    session.commit()
    done = agree(session, table, (two.a, two.b)[n % 2], f"Afgeronde actie {n}", two.gemeente_id)
    if n % 2:
        task_service.report_back(
            session, task=done, data=TaskFeedback(feedback=f"Klaar {n}"), by=chair(table)
        )
    else:
        meeting = session.get(Meeting, done.meeting_id)
        task_service.review(
            session, meeting=meeting, task=done, done=True, reason=None, by=chair(table)
        )


def test_each_view_of_mijn_acties_costs_the_same_number_of_statements_for_1_or_8_tasks(
    app: FastAPI, client: TestClient, session: Session, table: Table, two: TwoTables
) -> None:
    member_of_both = make_user(session, organisation_id=two.gemeente_id)
    session.add_all(
        SeriesMember(series_id=series.id, user_id=member_of_both.id, role=MemberRole.MEMBER)
        for series in (two.a, two.b)
    )
    session.commit()
    views = ["/acties", "/acties?weergave=te-laat", "/acties?weergave=afgerond"]
    overdue_and_done(session, table, two, 0)
    log_in(client, member_of_both.email, PASSWORD)
    one = [count_statements(app, client, view) for view in views]
    for n in range(1, 8):
        overdue_and_done(session, table, two, n)

    eight = [count_statements(app, client, view) for view in views]

    pages = [client.get(view).text for view in views]
    assert [page.count("Gereed melden") for page in pages] == [8, 8, 0]
    assert pages[2].count("Gereed gemeld op") + pages[2].count("Gereed bevonden") == 8
    assert eight == one
