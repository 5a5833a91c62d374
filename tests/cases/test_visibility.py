"""Who sees what of the demo casussen (rule 2), that it is logged, and that nothing leaks."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app import demo
from app.audit import AuditEvent
from app.cases.models import Case
from app.cases.queries import HIDDEN_BECAUSE
from app.demo_cases import ANOUK, DEMO_PEOPLE, FATMA, KEES, MILA, RUUD
from tests.conftest import log_in

SECRETS = [value for p in DEMO_PEOPLE for value in (p.name, p.bsn, p.address.split(",")[0])]
PEOPLE_OF = {
    "Man met overlast, 60+": [KEES],
    "Moeder en dochter, huiselijk geweld": [FATMA, MILA],
    "Man met schulden, dreigende uitzetting": [RUUD],
    "Jonge vrouw, verslaving": [ANOUK],
    "Jonge vrouw, opnieuw zorgen": [ANOUK],
    "Jongere, winkeldiefstallen": [],
    "Oudere huurder, vervuilde woning": [],
}
COVERED = [
    "beheer@dorpsveen.example",
    "voorzitter@dorpsveen.example",
    "wijkagent@politie.example",
    "sociaalteam@dorpsveen.example",
]


@pytest.fixture
def demo_cases(session: Session, app: FastAPI) -> dict[str, Case]:
    demo.seed_demo(session, crypto=app.state.crypto)
    return {case.pseudonym: case for case in session.exec(select(Case)).all()}


def case_path(case: Case) -> str:
    return f"/overleggen/{case.series_id}/casussen/{case.id}"


def as_user(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email, demo.DEMO_PASSWORD)
    return client


@pytest.mark.parametrize(
    "email", [*COVERED, "woningcorporatie@wonen.example", "fg@dorpsveen.example"]
)
def test_what_each_demo_account_sees_of_each_demo_casus(
    client: TestClient, demo_cases: dict[str, Case], email: str
) -> None:
    as_user(client, email)
    for pseudonym, case in demo_cases.items():
        response = client.get(case_path(case))
        people = PEOPLE_OF[pseudonym]
        if email == "fg@dorpsveen.example":
            expected = "404"
        elif not people:
            expected = "geanonimiseerd"
        elif email in COVERED:
            expected = "identificerend"
        else:
            expected = "pseudoniem"
        seen = {
            "404": response.status_code == 404,
            "geanonimiseerd": "Deze casus bevat geen persoonsgegevens" in response.text,
            "identificerend": all(
                p.name in response.text and p.bsn in response.text for p in people
            )
            and bool(people),
            "pseudoniem": HIDDEN_BECAUSE in response.text
            and case.reference in response.text
            and not any(p.name in response.text for p in people),
        }
        assert seen[expected], f"{email} ziet {pseudonym} niet als {expected}"


def crawl(client: TestClient, start: str = "/", limit: int = 250) -> Iterator[tuple[str, str]]:
    """Every page reachable by following links (GET only), with its body."""
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        body = response.text if "text" in response.headers.get("content-type", "") else ""
        yield path, body
        for link in re.findall(r'href="(/[^"#?]*)', body):
            if not link.startswith("/static/") and link not in seen:
                queue.append(link)


def test_the_woonstichting_never_receives_a_bsn_name_or_address(
    client: TestClient, demo_cases: dict[str, Case]
) -> None:
    as_user(client, "woningcorporatie@wonen.example")

    pages = dict(crawl(client))

    assert any("/casussen/" in path for path in pages), "de casuspagina's zijn bereikt"
    leaks = [
        (path, secret)
        for path, body in pages.items()
        for secret in SECRETS
        if secret and secret in body
    ]
    assert leaks == []


def identified_views(session: Session, case: Case) -> int:
    return session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "casus.identificerend.ingezien",
            AuditEvent.object_id == str(case.id),
        )
    ).one()


def test_every_view_of_identified_data_leaves_exactly_one_audit_event(
    client: TestClient, session: Session, demo_cases: dict[str, Case]
) -> None:
    kees = demo_cases["Man met overlast, 60+"]
    identified_views(session, kees)
    as_user(client, "wijkagent@politie.example")

    client.get(case_path(kees))
    client.get(case_path(kees))
    client.get(f"/overleggen/{kees.series_id}/casussen")
    as_user(client, "woningcorporatie@wonen.example").get(case_path(kees))

    assert identified_views(session, kees) == 2
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "casus.identificerend.ingezien")
        .order_by(col(AuditEvent.id))
    ).first()
    assert (event.actor_name, event.actor_organisation, event.context) == (
        "Wim Wijkagent",
        "Politie, basisteam Dorpsveen",
        "casuspagina",
    )
    assert event.client_address


def dump(database_url: str) -> bytes:
    """The whole database as stored: the SQLite files, or a pg_dump of the PostgreSQL one."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run(
        [shutil.which("pg_dump") or "pg_dump", "--dbname", url], check=True, capture_output=True
    ).stdout


def test_the_database_and_a_sql_dump_hold_no_bsn_or_name_in_plain_text(
    client: TestClient, database_url: str, demo_cases: dict[str, Case]
) -> None:
    as_user(client, "wijkagent@politie.example").get(case_path(demo_cases["Man met overlast, 60+"]))

    stored = dump(database_url)

    assert b"Man met overlast" in stored  # the dump is real and readable
    for secret in SECRETS:
        assert secret.encode() not in stored, secret
