"""The bewaartermijn pages: what goes soon (beheerder and FG, no names), keeping a casus longer
on its page, and changing an overleg's terms with a reason."""

import json
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.cases import service as case_service
from app.cases.models import Case
from app.dates import short_date
from app.db import today
from app.demo_cases import DEMO_PEOPLE
from app.overleg.models import MeetingSeries
from app.retention.terms import after_months
from tests.conftest import count_statements, csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.minutes.demo import DemoMinutes, as_user
from tests.retention.helpers import beheerder, by_pseudonym


def closed_long_ago(session: Session, minutes: DemoMinutes) -> Case:
    """Kees' casus, closed so long ago that it goes in ten days."""
    kees = by_pseudonym(minutes, "Man met overlast")
    closed_on = after_months(today() + timedelta(days=10), -24)
    case_service.close(session, case=kees, on=closed_on, reason="Afgerond.", by=beheerder(session))
    return kees


def case_page(case: Case) -> str:
    return f"/overleggen/{case.series_id}/casussen/{case.id}"


def test_beheerder_and_fg_see_what_goes_soon_without_names(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    kees = closed_long_ago(session, minutes)
    due = short_date(today() + timedelta(days=10))

    for email in ("beheer@dorpsveen.example", "fg@dorpsveen.example"):
        page = as_user(client, email).get("/bewaartermijnen")
        assert page.status_code == 200
        assert kees.reference in page.text and kees.pseudonym in page.text and due in page.text
        for person in DEMO_PEOPLE:
            assert person.name not in page.text
    assert "Bewaartermijn verlengen" not in page.text  # the FG reads only
    assert as_user(client, "wijkagent@politie.example").get("/bewaartermijnen").status_code == 403


def test_a_beheerder_keeps_a_casus_longer_with_a_reason(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    kees = closed_long_ago(session, minutes)
    admin = as_user(client, "beheer@dorpsveen.example")
    path = case_page(kees)
    assert short_date(today() + timedelta(days=10)) in admin.get(path).text

    refused = admin.post(
        f"{path}/bewaren",
        data={
            "kept_until": today().isoformat(),
            "kept_reason": "Lopende procedure bij de rechter.",
            "csrf_token": csrf_from(admin, path),
        },
    )
    assert refused.status_code == 422
    assert "Kies een datum na de huidige verwijderdatum" in refused.text
    assert "Lopende procedure bij de rechter." in refused.text

    later = today() + timedelta(days=200)
    kept = admin.post(
        f"{path}/bewaren",
        data={
            "kept_until": later.isoformat(),
            "kept_reason": "Lopende procedure bij de rechter.",
            "csrf_token": csrf_from(admin, path),
        },
        follow_redirects=True,
    )
    assert kept.status_code == 200
    assert f"wordt bewaard tot {short_date(later)}" in kept.text
    assert short_date(later) in kept.text and "Lopende procedure bij de rechter." in kept.text
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "casus.bewaartermijn.verlengd")
    ).one()
    assert json.loads(event.detail)["tot"] == later.isoformat()
    assert "rechter" not in event.detail  # the log, kept without a term, holds no free text
    assert kees.reference not in admin.get("/bewaartermijnen").text


def test_a_beheerder_outside_the_overleg_is_told_who_can_keep_a_casus_longer(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    kees = closed_long_ago(session, minutes)
    outsider = make_user(
        session, is_admin=True, organisation_id=beheerder(session).user.organisation_id
    )
    log_in(client, outsider.email, PASSWORD)

    page = client.get("/bewaartermijnen").text

    assert kees.reference in page and "Bewaartermijn verlengen" not in page
    assert "Verlengen kan alleen een beheerder die lid is van dit overleg." in page
    assert client.get(case_page(kees)).status_code == 404  # where the link would have led


def test_a_chair_cannot_keep_a_casus_longer(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    kees = closed_long_ago(session, minutes)
    chair = as_user(client, "voorzitter@dorpsveen.example")
    path = case_page(kees)
    assert "Bewaartermijn verlengen" not in chair.get(path).text

    refused = chair.post(
        f"{path}/bewaren",
        data={
            "kept_until": (today() + timedelta(days=200)).isoformat(),
            "kept_reason": "Lopende procedure bij de rechter.",
            "csrf_token": csrf_from(chair, path),
        },
    )
    assert refused.status_code == 403


def test_a_beheerder_changes_the_terms_with_a_reason(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    series_id = minutes.meeting.series_id
    admin = as_user(client, "beheer@dorpsveen.example")
    path = f"/bewaartermijnen/overleggen/{series_id}"
    form = admin.get(path)
    assert 'value="24"' in form.text and 'value="60"' in form.text

    refused = admin.post(
        path,
        data={
            "case_retention_months": "5",
            "minutes_retention_months": "60",
            "retention_reason": "Afspraak in het convenant 2027.",
            "csrf_token": csrf_from(admin, path),
        },
    )
    assert refused.status_code == 422
    assert "Afspraak in het convenant 2027." in refused.text
    assert 'href="#case_retention_months"' in refused.text

    changed = admin.post(
        path,
        data={
            "case_retention_months": "36",
            "minutes_retention_months": "84",
            "retention_reason": "Afspraak in het convenant 2027.",
            "csrf_token": csrf_from(admin, path),
        },
        follow_redirects=True,
    )
    assert "Bewaartermijnen van" in changed.text
    session.expire_all()
    series = session.get(MeetingSeries, series_id)
    assert (series.case_retention_months, series.minutes_retention_months) == (36, 84)
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "overleg.bewaartermijn.gewijzigd")
    ).one()
    detail = json.loads(event.detail)
    assert detail["reden"] == "Afspraak in het convenant 2027."
    assert detail["casussen_maanden"] == [24, 36]


def test_the_page_costs_the_same_statements_however_much_goes_soon(
    app: FastAPI, session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    closed_long_ago(session, minutes)
    as_user(client, "beheer@dorpsveen.example")
    one = count_statements(app, client, "/bewaartermijnen")

    mother = by_pseudonym(minutes, "Moeder en dochter")
    closed_on = after_months(today() + timedelta(days=20), -24)
    case_service.close(
        session, case=mother, on=closed_on, reason="Afgerond.", by=beheerder(session)
    )

    assert mother.reference in client.get("/bewaartermijnen").text
    assert count_statements(app, client, "/bewaartermijnen") == one
