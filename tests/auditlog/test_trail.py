"""The FG's audit trail: filters in the address, repeated views collapsed into one row with a
count, casussen as reference + pseudonym, and a CSV export of exactly the filtered view that
is itself logged."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app import audit, demo
from app.audit import Actor, AuditEvent
from app.auditlog.labels import EXPORTED
from app.cases.disclosure import READ
from app.cases.models import Case
from app.demo_cases import DEMO_PEOPLE
from app.users.models import User
from tests.conftest import log_in, statements_of
from tests.factories import PASSWORD, make_user

FG = "fg@dorpsveen.example"
AGENT = "wijkagent@politie.example"
SOCIAL = "sociaalteam@dorpsveen.example"
ADMIN = "beheer@dorpsveen.example"
# 11:02 in Dorpsveen: well inside one clock hour, in UTC and in local time.
MORNING = datetime(2026, 6, 15, 9, 2, tzinfo=UTC)


@pytest.fixture
def cases(session: Session, app: FastAPI) -> list[Case]:
    demo.seed_demo(session, crypto=app.state.crypto)
    return list(session.exec(select(Case).order_by(col(Case.id))).all())


@pytest.fixture
def fg(client: TestClient, cases: list[Case]) -> TestClient:
    log_in(client, FG, demo.DEMO_PASSWORD)
    return client


@pytest.fixture
def any_fg(client: TestClient, session: Session) -> TestClient:
    """An FG without the demo around it, for what needs no events."""
    user = make_user(session, is_privacy_officer=True, is_participant=False)
    log_in(client, user.email, PASSWORD)
    return client


def actor(session: Session, email: str) -> Actor:
    user = session.exec(select(User).where(User.email == email)).one()
    return Actor(user=user, organisation_name=user.organisation.name, client_address="10.0.0.7")


def write(
    session: Session,
    email: str,
    at: datetime,
    *,
    action: str = READ,
    case: Case | None = None,
    context: str | None = None,
) -> None:
    with time_machine.travel(at, tick=False):
        audit.record(
            session,
            action=action,
            actor=actor(session, email),
            object_type="casus" if case else None,
            object_id=case.id if case else None,
            context=context,
        )
    session.commit()


def views(session: Session, email: str, case: Case, start: datetime, count: int) -> None:
    """`count` page loads of one casus by one user, a quarter of a minute apart."""
    for number in range(count):
        write(session, email, start + timedelta(seconds=15 * number), case=case, context="live")


def table_rows(page: str) -> list[str]:
    body = page.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="utrecht-table__row">')[1:]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_nineteen_views_in_five_minutes_are_one_row_and_all_events_stay(
    fg: TestClient, session: Session, cases: list[Case]
) -> None:
    case = cases[0]
    views(session, SOCIAL, case, MORNING, 19)
    write(session, AGENT, MORNING + timedelta(minutes=3), case=case, context="live")
    views(session, SOCIAL, case, MORNING + timedelta(hours=1), 2)

    page = fg.get(f"/logging?casus={case.reference}&van=2026-06-15&tot=2026-06-15")

    rows = table_rows(page.text)
    assert len(rows) == 3
    assert "19×" in rows[2] and "Identificerende gegevens ingezien" in rows[2]
    assert "2×" in rows[0] and "×" not in rows[1]
    assert f"casus {case.reference} ({case.pseudonym})" in rows[2]
    assert (
        session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == READ)
        ).one()
        >= 22
    )


def test_objects_are_reference_and_pseudonym_never_names(
    fg: TestClient, session: Session, cases: list[Case]
) -> None:
    for case in cases:
        write(session, ADMIN, MORNING, case=case)

    page = "".join(table_rows(fg.get("/logging").text))

    assert all(f"{case.reference} ({case.pseudonym})" in page for case in cases)
    assert not any(person.name in page or person.bsn in page for person in DEMO_PEOPLE)
    assert "casus.identificerend.ingezien" not in page


@pytest.fixture
def three_events(session: Session, cases: list[Case]) -> dict[str, str]:
    write(
        session,
        AGENT,
        datetime(2026, 3, 10, 9, tzinfo=UTC),
        action="taak.aangemaakt",
        context="gebeurtenis-A",
    )
    write(
        session,
        SOCIAL,
        datetime(2026, 6, 15, 9, tzinfo=UTC),
        case=cases[0],
        context="gebeurtenis-B",
    )
    write(
        session, ADMIN, datetime(2026, 6, 20, 9, tzinfo=UTC), case=cases[1], context="gebeurtenis-C"
    )
    agent = session.exec(select(User).where(User.email == AGENT)).one()
    return {
        "agent": str(agent.id),
        "politie": agent.organisation.name,
        "reference": cases[0].reference,
    }


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("van=2026-06-01", "BC"),
        ("tot=2026-06-15", "AB"),
        ("van=2026-06-15&tot=2026-06-15", "B"),
        ("gebruiker={agent}", "A"),
        ("organisatie={politie}", "A"),
        ("handeling=taak.aangemaakt", "A"),
        ("casus={reference}", "B"),
        ("casus={reference_lower}&van=2026-01-01", "B"),
        ("", "ABC"),
    ],
)
def test_each_filter_shows_only_its_events(
    fg: TestClient, three_events: dict[str, str], query: str, shown: str
) -> None:
    values = three_events | {"reference_lower": three_events["reference"].lower()}

    page = fg.get("/logging", params=dict(_pairs(query.format(**values))))

    assert page.status_code == 200
    assert {mark for mark in "ABC" if f"gebeurtenis-{mark}" in page.text} == set(shown)


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(pair.split("=", 1)) for pair in query.split("&") if pair]  # type: ignore[misc]


def test_paging_keeps_the_filters(fg: TestClient, session: Session, cases: list[Case]) -> None:
    for number in range(51):
        write(session, ADMIN, MORNING + timedelta(hours=number), case=cases[0])
    write(session, ADMIN, MORNING, case=cases[1])

    query = f"tot=2026-06-30&casus={cases[0].reference}"
    first = fg.get(f"/logging?{query}")
    second = fg.get(f"/logging?{query}&pagina=2")

    assert "Pagina 1 van 2" in first.text
    assert f"casus={cases[0].reference}&amp;pagina=2" in first.text
    assert len(table_rows(second.text)) == 1
    assert cases[1].reference not in first.text + second.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("van=2026-13-45", "van", "Vul een geldige datum in."),
        ("tot=99999-01-01", "tot", "Vul een geldige datum in."),
        ("van=1850-01-01", "van", "Kies een datum tussen"),
        ("van=2026-06-02&tot=2026-06-01", "tot", "Kies een einddatum op of na de begindatum."),
        ("gebruiker=99999999999999999999", "gebruiker", "Kies een van de mogelijkheden."),
        ("gebruiker=-1", "gebruiker", "Kies een van de mogelijkheden."),
        ("handeling=casus.verbrand", "handeling", "Kies een van de mogelijkheden."),
        ("casus=" + "X" * 200, "casus", "hoogstens 20 tekens"),
        ("organisatie=" + "O" * 300, "organisatie", "Kies een van de mogelijkheden."),
    ],
)
def test_bad_filter_input_comes_back_beside_its_field(
    any_fg: TestClient, query: str, field: str, message: str
) -> None:
    answer = any_fg.get(f"/logging?{query}")

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    error = answer.text.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert f'href="#{field}"' in answer.text  # the error summary links to the field


def test_a_refused_export_keeps_what_was_typed_and_exports_nothing(
    any_fg: TestClient, session: Session
) -> None:
    answer = any_fg.get("/logging/export?van=2026-06-02&tot=2026-06-01&casus=IO-2026-001")

    assert answer.status_code == 422
    assert "Kies een einddatum op of na de begindatum." in answer.text
    assert 'value="2026-06-02"' in answer.text and 'value="IO-2026-001"' in answer.text
    assert not _exports(session)


def _exports(session: Session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == EXPORTED)).all())


def test_the_export_is_the_filtered_view_and_is_logged(
    fg: TestClient, session: Session, cases: list[Case]
) -> None:
    views(session, SOCIAL, cases[0], MORNING, 19)
    write(session, ADMIN, MORNING, case=cases[0], context='zei "ja"; en =SOM(A1)')
    write(session, ADMIN, MORNING, case=cases[1], context="andere casus")
    query = f"casus={cases[0].reference}&van=2026-06-15&tot=2026-06-15"

    page = fg.get(f"/logging?{query}")
    exported = fg.get(f"/logging/export?{query}")

    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"].startswith('attachment; filename="logging-')
    header, *rows = csv_rows(exported.content)
    assert header[:3] == ["Tijdstip", "Eerste keer", "Aantal"]
    assert len(rows) == len(table_rows(page.text)) == 2
    assert [row[2] for row in rows] == ["1", "19"]
    assert rows[0][9] == 'zei "ja"; en =SOM(A1)'  # quoted, and survives the round trip
    assert rows[1][1] == "2026-06-15 11:02:00" and rows[1][0] == "2026-06-15 11:06:30"
    assert all(row[6] == f"casus {cases[0].reference} ({cases[0].pseudonym})" for row in rows)
    [logged] = _exports(session)
    assert logged.actor_name == "Fenna Gegevens"
    assert json.loads(logged.detail) == {
        "case_reference": cases[0].reference,
        "since": "2026-06-15",
        "until": "2026-06-15",
    }


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(
    fg: TestClient, session: Session, cases: list[Case]
) -> None:
    write(session, ADMIN, MORNING, action="taak.aangemaakt", context='=HYPERLINK("x")')

    exported = fg.get("/logging/export?handeling=taak.aangemaakt&tot=2026-06-30")

    [row] = csv_rows(exported.content)[1:]
    assert row[9] == '\'=HYPERLINK("x")'


def test_only_the_fg_reads_or_exports_the_trail(
    client: TestClient, session: Session, cases: list[Case]
) -> None:
    log_in(client, ADMIN, demo.DEMO_PASSWORD)

    assert client.get("/logging").status_code == 403
    assert client.get("/logging/export").status_code == 403
    assert not _exports(session)


def test_the_page_costs_the_same_statements_however_many_rows(
    app: FastAPI, fg: TestClient, session: Session, cases: list[Case]
) -> None:
    path = "/logging?van=2026-06-01&organisatie=Gemeente+Dorpsveen"
    write(session, ADMIN, MORNING, case=cases[0])
    few = statements_of(app, lambda: fg.get(path))
    for case in cases:
        views(session, ADMIN, case, MORNING + timedelta(hours=2), 3)
        write(session, ADMIN, MORNING, action="gebruiker.gewijzigd")
    many = statements_of(app, lambda: fg.get(path))

    assert few == many <= 8  # signing in, and six for the page
    assert len(table_rows(fg.get(path).text)) > 2 * len(cases)
