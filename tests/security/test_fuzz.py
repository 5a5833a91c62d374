"""Fuzzing every route of the app's own OpenAPI schema (schemathesis) as a logged-in beheerder
with a valid CSRF token, on the demo data: no answer is a server error, and no refusal shows a
stack trace, SQL or a file path."""

import itertools
import re
from collections import Counter
from collections.abc import Callable

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from sqlmodel import Session, col, select

from app import demo
from app.agenda.models import AgendaItem
from app.covenants.models import Covenant, CovenantSignature, CovenantVersion
from app.meetings.models import MeetingAttendance
from app.overleg.models import Meeting, MeetingStatus
from app.rights.models import RightsRequest
from app.tasks.models import Task
from app.users.models import User
from tests.conftest import csrf_from, log_in

EXAMPLES_PER_ROUTE = 10
# Routes that end the fuzzer's own session: they run last.
SESSION_ENDING = ("/uitloggen", "/wachtwoord", "/gebruikers/{user_id}")
LEAKS = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|sqlite3|SELECT |/work/|\.py\b")


def demo_ids(session: Session) -> dict[str, object]:
    """An id of each kind of demo object a path can name."""
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).first()
    item = session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None)
        )
    ).first()
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()
    return {
        "series_id": meeting.series_id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "case_id": item.case_id,
        "user_id": police.id,
        "organisation_id": police.organisation_id,
        "covenant_id": session.exec(select(Covenant.id)).first(),
        "version_id": session.exec(select(CovenantVersion.id)).first(),
        "signature_id": session.exec(select(CovenantSignature.id)).first(),
        "task_id": session.exec(select(Task.id)).first(),
        "attendance_id": session.exec(select(MeetingAttendance.id)).first() or 1,
        "factor_id": 1,  # the demo has no second factors: a 404
        "request_id": session.exec(select(RightsRequest.id)).first(),
        "number": 1,
        "direction": "omhoog",
        "field": "discussion",
        "token": "onbekend",
        "name": "onbekend",
        "key": "casussen-per-maand",  # a figure of the Beleidsinformatie
    }


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_route_answers_a_server_error_or_leaks_internals(
    app: FastAPI, client: TestClient, session: Session, record_property: Callable[..., None]
) -> None:
    # The fuzzer's wrong passwords and codes (login, step-up) must not lock its own account out.
    limits = app.state.settings
    limits.login_max_failures_per_account = limits.login_max_failures_per_address = 10**6
    demo.seed_demo(session, crypto=app.state.crypto)
    known = demo_ids(session)
    schema = schemathesis.openapi.from_dict(app.openapi())
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (operation.path in SESSION_ENDING, operation.path, operation.method),
    )
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    headers: dict[str, str] = {}

    for operation, mode in itertools.product(operations, GenerationMode):
        client.cookies.clear()
        log_in(client, "beheer@dorpsveen.example", demo.DEMO_PASSWORD)
        headers["x-csrf-token"] = csrf_from(client, "/")
        # Valid input aims at the demo's real objects, so it gets past the 404s.
        real = {name: known[name] for name in re.findall(r"{(\w+)}", operation.path)}
        aimed = {"path_parameters": real} if mode == GenerationMode.POSITIVE and real else {}

        @settings(
            max_examples=EXAMPLES_PER_ROUTE,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, **aimed))
        def probe(case: schemathesis.Case) -> None:
            body = None if isinstance(case.body, NotSet) else case.body
            response = client.request(
                case.method,
                case.formatted_path,
                params=case.query or None,
                headers=headers,
                data=body if isinstance(body, dict) else None,
            )
            statuses[response.status_code] += 1
            where = f"{case.method} {case.formatted_path} {case.query or ''}"
            if response.status_code >= 500:
                problems.append(f"{response.status_code}: {where}")
            elif response.status_code >= 400 and LEAKS.search(response.text):
                problems.append(f"lekt interne gegevens: {where}")

        try:
            probe()
        except Unsatisfiable:
            # A route without parameters has no invalid input to make.
            assert mode == GenerationMode.NEGATIVE, operation.path

    record_property("fuzzing", f"{len(operations)} routes, {dict(sorted(statuses.items()))}")
    assert len(operations) > 60 and sum(statuses.values()) > 2 * len(operations)
    assert problems == []


def test_the_schema_describes_the_form_of_every_state_changing_route(app: FastAPI) -> None:
    operations = [
        (path, method, operation)
        for path, methods in app.openapi()["paths"].items()
        for method, operation in methods.items()
        if method in ("post", "put", "patch", "delete")
    ]
    undescribed = [
        f"{method.upper()} {path}"
        for path, method, operation in operations
        if "csrf_token"
        not in next(iter(operation.get("requestBody", {}).get("content", {}).values()), {})
        .get("schema", {})
        .get("properties", {})
    ]

    assert len(operations) > 40 and undescribed == []
