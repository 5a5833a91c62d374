"""Vaststellen from the page with htmx: a refusal comes back as the form alone, in place."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.minutes.models import MinutesVersion
from tests.conftest import csrf_from
from tests.minutes.demo import DemoMinutes, as_user, next_planned_meeting


def test_a_refused_vaststellen_by_htmx_answers_with_the_form_and_its_reason(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    upcoming, path = next_planned_meeting(session)
    chair = as_user(client, "voorzitter@dorpsveen.example")

    response = chair.post(
        f"{path}/vaststellen",
        data={"csrf_token": csrf_from(chair, path)},
        headers={"HX-Request": "true", "HX-Target": "form#vaststellen"},
    )

    assert response.status_code == 422
    assert '<form id="vaststellen"' in response.text and "<html" not in response.text
    assert "pas worden vastgesteld als de bijeenkomst is afgerond" in response.text
    assert 'aria-describedby="finalise-error"' in response.text
    assert (
        session.exec(select(MinutesVersion).where(MinutesVersion.meeting_id == upcoming.id)).first()
        is None
    )
