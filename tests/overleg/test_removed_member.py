"""Need-to-know: whoever leaves the table of an overleg sees nothing of it any more, at once and
everywhere, the verslagen of meetings they attended included. In the demo, the beheerder takes
the wijkagent off the table."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.demo import DEMO_SERIES
from app.overleg import queries
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.tasks.models import Task
from app.users.models import User
from tests.conftest import csrf_from
from tests.minutes.demo import DemoMinutes, as_user, minutes

__all__ = ["minutes"]

WIJKAGENT = "wijkagent@politie.example"


def everything_of_the_overleg(session: Session, minutes: DemoMinutes, wijkagent: User) -> list[str]:
    """Every page and file of the overleg the wijkagent reached while at its table."""
    series_id, held = minutes.meeting.series_id, minutes.meeting.id
    coming = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series_id, Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).first()
    base = f"/overleggen/{series_id}"
    return [
        base,
        f"{base}/kalender.ics",
        f"{base}/casussen",
        f"{base}/casussen/{minutes.cases[0].id}",
        f"{base}/bijeenkomsten/{coming.id}",
        f"{base}/bijeenkomsten/{coming.id}/kalender.ics",
        f"{base}/bijeenkomsten/{held}",
        f"{base}/bijeenkomsten/{held}/live",
        minutes.path,
        f"{minutes.path}/versies/1.pdf",
        f"{minutes.path}/acties/{wijkagent.organisation_id}.pdf",
    ]


def save_table(
    client: TestClient,
    session: Session,
    series: MeetingSeries,
    *,
    members: list[int],
    chairs: list[int],
) -> None:
    """The beheerder saves the edit form with these people at the table."""
    form = {
        "name": series.name,
        "covenant_id": series.covenant_id,
        "default_location": series.default_location,
        "organisation_ids": queries.table_of(session, series=series).organisation_ids,
        "member_ids": members,
        "chair_ids": chairs,
        "csrf_token": csrf_from(client, "/"),
    }
    response = client.post(f"/overleggen/{series.id}/wijzigen", data=form)
    assert response.status_code == 303, response.text


def test_a_removed_member_gets_a_404_for_everything_of_the_overleg_at_once(
    client: TestClient, session: Session, minutes: DemoMinutes
) -> None:
    series = session.get(MeetingSeries, minutes.meeting.series_id)
    wijkagent = session.exec(select(User).where(User.email == WIJKAGENT)).one()
    paths = everything_of_the_overleg(session, minutes, wijkagent)
    task = session.exec(select(Task).where(Task.assignee_user_id == wijkagent.id)).first()
    table = queries.table_of(session, series=series)
    # Co-chair first, so the live page (for chairs) is his too.
    as_user(client, "beheer@dorpsveen.example")
    save_table(
        client, session, series, members=table.member_ids, chairs=[*table.chair_ids, wijkagent.id]
    )
    as_user(client, WIJKAGENT)
    subscription = client.post("/agenda-abonnement", data={"csrf_token": csrf_from(client, "/")})
    feed = "/agenda/" + subscription.text.split("/agenda/", 1)[1].split(".ics", 1)[0] + ".ics"
    before = {path: client.get(path).status_code for path in paths}
    tasks_before, feed_before = client.get("/acties").text, client.get(feed).text

    as_user(client, "beheer@dorpsveen.example")
    others = [member for member in table.member_ids if member != wijkagent.id]
    save_table(client, session, series, members=others, chairs=table.chair_ids)

    as_user(client, WIJKAGENT)
    after = {path: client.get(path).status_code for path in paths}
    report_back = client.post(
        f"/acties/{task.id}/gereed",
        data={f"feedback-{task.id}": "Gedaan", "csrf_token": csrf_from(client, "/")},
    )
    assert before == dict.fromkeys(paths, 200)
    assert after == dict.fromkeys(paths, 404)
    assert report_back.status_code == 404
    assert DEMO_SERIES in tasks_before and DEMO_SERIES not in client.get("/acties").text
    assert DEMO_SERIES in feed_before and DEMO_SERIES not in client.get(feed).text
    assert DEMO_SERIES not in client.get("/overleggen").text
    assert DEMO_SERIES not in client.get("/").text
