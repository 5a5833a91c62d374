"""The Beleidsinformatie page: beheerders see every overleg, a chair only the overleggen they
chair, anyone else a 404; bad filters get a message beside the field with what was typed kept;
each table downloads as exactly the CSV shown; a view and a download are logged once each; the
page costs the same number of statements for one month as for twelve."""

import csv
import html
import io
import json
import re
from datetime import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.audit import AuditEvent
from app.db import today
from app.overleg.models import MeetingSeries, SeriesKind
from app.statistics.filters import add_months, month_value
from tests.conftest import log_in, statements_of

ADMIN = "beheer@dorpsveen.example"
CHAIR = "voorzitter@dorpsveen.example"
MEMBER = "wijkagent@politie.example"
FG = "fg@dorpsveen.example"
ROW = re.compile(r'<th class="utrecht-table__header-cell" scope="row">(.*?)</th>(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="utrecht-table__cell utrecht-table__cell--numeric">(.*?)</td>')
COLUMN = re.compile(r'scope="col">(.*?)</th>')
CSV_LINK = re.compile(r'href="(/beleidsinformatie/[a-z0-9-]+\.csv\?[^"]*)" download')


@pytest.fixture
def series(session: Session, app: FastAPI) -> tuple[int, int]:
    """The demo's overleg (chaired by the demo chair) and a second one the chair does not sit in."""
    demo.seed_demo(session, crypto=app.state.crypto)
    own = session.exec(select(MeetingSeries)).one()
    other = MeetingSeries(
        name="Casusoverleg Jeugd Dorpsveen",
        kind=SeriesKind.CASE_MEETING,
        covenant_id=own.covenant_id,
        default_location="Gemeentehuis",
        weekday=1,
        start_time=time(9, 30),
        starts_on=today(),
    )
    session.add(other)
    session.commit()
    assert own.id is not None and other.id is not None
    return own.id, other.id


def as_user(client: TestClient, email: str) -> TestClient:
    log_in(client, email, demo.DEMO_PASSWORD)
    return client


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        )
    )


def test_the_beheerder_sees_every_overleg_the_rule_and_each_figure(
    client: TestClient, series: tuple[int, int]
) -> None:
    page = as_user(client, ADMIN).get("/beleidsinformatie")
    assert page.status_code == 200
    assert 'href="/beleidsinformatie" aria-current="page">Beleidsinformatie</a>' in page.text
    assert "Integraal overleg Dorpsveen</option>" in page.text
    assert "Casusoverleg Jeugd Dorpsveen</option>" in page.text
    assert "Aantallen onder de 5 tonen we als ‘&lt; 5’" in page.text
    assert "alle overleggen" in page.text
    assert 'role="img"' in page.text and "<table" in page.text
    assert CSV_LINK.search(page.text)


def test_a_chair_sees_only_the_overleggen_they_chair(
    client: TestClient, series: tuple[int, int]
) -> None:
    own, other = series
    chair = as_user(client, CHAIR)
    page = chair.get("/beleidsinformatie")
    assert page.status_code == 200
    assert "Integraal overleg Dorpsveen</option>" in page.text
    assert "Casusoverleg Jeugd" not in page.text
    assert ">Beleidsinformatie</a>" not in page.text  # not in the menu: the overleg page links it
    assert "/beleidsinformatie?overleg=" in chair.get(f"/overleggen/{own}").text

    assert chair.get(f"/beleidsinformatie?overleg={own}").status_code == 200
    foreign = chair.get(f"/beleidsinformatie?overleg={other}")
    unknown = chair.get("/beleidsinformatie?overleg=999999")
    assert foreign.status_code == unknown.status_code == 404
    assert "Casusoverleg Jeugd" not in foreign.text
    assert (
        chair.get(f"/beleidsinformatie/casussen-per-maand.csv?overleg={other}").status_code == 404
    )


@pytest.mark.parametrize("email", [MEMBER, FG])
def test_members_and_the_fg_get_no_link_and_a_404(
    client: TestClient, series: tuple[int, int], email: str
) -> None:
    user = as_user(client, email)
    assert "/beleidsinformatie" not in user.get("/").text
    assert user.get("/beleidsinformatie").status_code == 404
    assert user.get("/beleidsinformatie/casussen-per-maand.csv").status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("van=2026-13&tot=2026-02", "van", "Vul een maand in als jjjj-mm"),
        ("van=maart&tot=2026-02", "van", "Vul een maand in als jjjj-mm"),
        ("van=1999-12&tot=2026-02", "van", "Kies een maand van januari 2000 tot en met"),
        ("van=2026-01&tot=2199-01", "tot", "Kies een maand van januari 2000 tot en met"),
        ("van=2026-05&tot=2026-02", "tot", "Kies een eindmaand op of na de beginmaand."),
        ("van=2020-01&tot=2025-01", "tot", "Kies een periode van hoogstens 60 maanden."),
        ("van=2026-01&tot=2026-02&overleg=abc", "overleg", "Kies een van de mogelijkheden."),
        ("van=2026-01&tot=2026-02&overleg=²", "overleg", "Kies een van de mogelijkheden."),
        ("van=2026-01&tot=2026-02&overleg=99999999999999999999", "overleg", "Kies een van de"),
    ],
)
def test_a_bad_filter_is_named_beside_its_field_and_what_was_typed_stays(
    client: TestClient,
    session: Session,
    series: tuple[int, int],
    query: str,
    field: str,
    message: str,
) -> None:
    page = as_user(client, ADMIN).get(f"/beleidsinformatie?{query}")
    assert page.status_code == 422
    assert "De filters zijn niet toegepast" in page.text  # the summary at the top
    assert f'href="#{field}">{message}' in html.unescape(page.text)
    assert f'id="{field}-error"' in page.text
    for name, typed in re.findall(r"(van|tot)=([^&]*)", query):
        assert f'name="{name}" value="{typed}"' in page.text
    assert "<table" not in page.text
    assert events(session, "beleidsinformatie.bekeken") == []


def test_each_table_downloads_as_the_csv_it_shows(
    client: TestClient, session: Session, series: tuple[int, int]
) -> None:
    admin = as_user(client, ADMIN)
    page = admin.get(f"/beleidsinformatie?overleg={series[0]}")
    links = CSV_LINK.findall(page.text)
    assert links
    for link in links:
        key = link.split("/")[-1].split(".csv")[0]
        section = page.text.split(f'<section class="casustafel-figure" id="{key}"')[1]
        section = section.split("</section>")[0]
        shown = [
            [html.unescape(label), *(html.unescape(cell) for cell in CELL.findall(cells))]
            for label, cells in ROW.findall(section)
        ]
        download = admin.get(html.unescape(link))
        assert download.status_code == 200
        assert download.headers["content-type"] == "text/csv; charset=utf-8"
        last = month_value(today())
        assert download.headers["content-disposition"].startswith(
            f'attachment; filename="beleidsinformatie-{key}-'
        )
        assert f"-tot-en-met-{last}.csv" in download.headers["content-disposition"]
        assert download.content.startswith(b"\xef\xbb\xbf")
        text = download.content.decode("utf-8-sig")
        header, *rows = csv.reader(io.StringIO(text), delimiter=";")
        assert ";" in text.splitlines()[0]
        assert header == [html.unescape(name) for name in COLUMN.findall(section)]
        assert rows == shown
    exported = events(session, "beleidsinformatie.geexporteerd")
    assert len(exported) == len(links)
    assert json.loads(exported[0].detail)["overleg"] == str(series[0])


def test_an_unknown_table_is_a_404(client: TestClient, series: tuple[int, int]) -> None:
    assert as_user(client, ADMIN).get("/beleidsinformatie/bestaat-niet.csv").status_code == 404


def test_a_view_is_logged_once_with_its_filters_and_nothing_personal(
    client: TestClient, session: Session, series: tuple[int, int]
) -> None:
    as_user(client, CHAIR).get(f"/beleidsinformatie?van=2026-01&tot=2026-03&overleg={series[0]}")
    [viewed] = events(session, "beleidsinformatie.bekeken")
    assert viewed.actor_name == "Victor Voorzitter"
    assert viewed.object_type is None and viewed.object_id is None
    assert json.loads(viewed.detail) == {
        "van": "2026-01",
        "tot": "2026-03",
        "overleg": str(series[0]),
    }


def test_the_page_costs_the_same_statements_for_one_month_as_for_twelve(
    app: FastAPI, client: TestClient, series: tuple[int, int]
) -> None:
    admin = as_user(client, ADMIN)
    this_month = today().replace(day=1)
    month, year_ago = month_value(this_month), month_value(add_months(this_month, -11))
    one = statements_of(app, lambda: admin.get(f"/beleidsinformatie?van={month}&tot={month}"))
    twelve = statements_of(app, lambda: admin.get(f"/beleidsinformatie?van={year_ago}&tot={month}"))
    chosen = statements_of(app, lambda: admin.get(f"/beleidsinformatie?overleg={series[0]}"))
    assert one == twelve == chosen
