"""Holidays, moves and cancellations as a planner and a member see them: the move form starts on
the proposed day, every list of meetings says which were moved or cancelled, and the .ics of one
meeting is that meeting in any calendar."""

import re
from datetime import date, datetime, timedelta

import recurring_ical_events
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, col, select

from app.dates import long_date, short_date
from app.db import today
from app.overleg import service
from app.overleg.models import Meeting, MeetingCancellation, MeetingSeries, MeetingTimes
from app.overleg.schedule import local, next_working_day
from tests.overleg.test_routes import as_user
from tests.planning import MAIL, Table


def meetings(session: Session, series: MeetingSeries) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
        ).all()
    )


def day_in_move_form(client: TestClient, series: MeetingSeries, meeting: Meeting) -> str:
    page = client.get(f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/verplaatsen").text
    match = re.search(r'name="day"[^>]*value="([^"]*)"', page)
    assert match, "geen datumveld in het formulier"
    return match[1]


def next_christmas() -> date:
    christmas = date(today().year, 12, 25)
    return christmas if christmas > today() else date(today().year + 1, 12, 25)


def move(
    session: Session, table: Table, series: MeetingSeries, meeting: Meeting, day: date
) -> None:
    service.move_meeting(
        session,
        series=series,
        meeting=meeting,
        times=MeetingTimes(day=day, start_time="14:00", location="Politiebureau"),
        by=table.admin,
        mail=MAIL,
    )


def cancel(session: Session, table: Table, series: MeetingSeries, meeting: Meeting) -> None:
    service.cancel_meeting(
        session,
        series=series,
        meeting=meeting,
        data=MeetingCancellation(reason="Zomerreces"),
        by=table.admin,
        mail=MAIL,
    )


def test_the_move_form_starts_on_the_day_the_list_proposes_for_a_holiday(
    client: TestClient, session: Session, table: Table
) -> None:
    christmas = next_christmas()
    plan = table.plan(weekday=christmas.weekday(), starts_on=christmas.isoformat())
    series = service.create_series(session, plan=plan, by=table.admin, today=today(), mail=MAIL)
    on_christmas, ordinary, *_ = meetings(session, series)
    as_user(client, table.admin.user.email)

    overview = client.get(f"/overleggen/{series.id}").text

    proposal = next_working_day(christmas)
    assert local(on_christmas.starts_at).date() == christmas
    assert f"Voorstel: {short_date(proposal)}" in overview
    assert day_in_move_form(client, series, on_christmas) == proposal.isoformat()
    assert (
        day_in_move_form(client, series, ordinary) == local(ordinary.starts_at).date().isoformat()
    )


def test_every_list_says_which_meetings_were_moved_or_cancelled(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, third, *_ = meetings(session, series)
    planned_on = local(first.starts_at).date()
    move(session, table, series, first, planned_on + timedelta(days=1))
    cancel(session, table, series, second)
    as_user(client, table.member.email)

    overview = client.get(f"/overleggen/{series.id}").text
    start_page = client.get("/").text
    overleg_list = client.get("/overleggen").text

    rows = {
        meeting.id: row
        for meeting, row in zip(
            (first, second, third),
            re.findall(r'<tr class="utrecht-table__row">.*?</tr>', overview, re.S)[1:4],
            strict=True,
        )
    }
    assert ">verplaatst</span>" in rows[first.id]
    assert f"van {short_date(planned_on)}" in rows[first.id]
    assert ">geannuleerd</span>" in rows[second.id] and "Zomerreces" in rows[second.id]
    assert "verplaatst" not in rows[third.id] and "geannuleerd" not in rows[third.id]
    for page in (start_page, overleg_list):
        assert ">verplaatst</span>" in page and f"van {short_date(planned_on)}" in page
    meeting_page = client.get(f"/overleggen/{series.id}/bijeenkomsten/{first.id}").text
    assert f"gepland, verplaatst van {long_date(planned_on)}" in meeting_page


def test_a_downloaded_meeting_is_that_one_meeting_also_when_moved_or_cancelled(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, third, *_ = meetings(session, series)
    move(session, table, series, first, local(first.starts_at).date() + timedelta(days=1))
    cancel(session, table, series, second)
    as_user(client, table.member.email)

    for meeting, status in ((first, "CONFIRMED"), (second, "CANCELLED"), (third, "CONFIRMED")):
        session.refresh(meeting)
        path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/kalender.ics"
        calendar = Calendar.from_ical(client.get(path).content)
        year = (datetime(2000, 1, 1), datetime(2100, 1, 1))
        [event] = recurring_ical_events.of(calendar).between(*year)
        assert event.start == local(meeting.starts_at)
        assert event["LOCATION"] == meeting.location
        assert event["STATUS"] == status
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
