"""Planning use cases on a real database: meetings a year ahead, changes, mail in the outbox."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session, col, func, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.db import today
from app.errors import DomainError
from app.mail.models import OutboxMessage
from app.overleg import service
from app.overleg.models import (
    Meeting,
    MeetingCancellation,
    MeetingSeries,
    MeetingStatus,
    MeetingTimes,
    RecurrenceFields,
)
from app.overleg.schedule import local
from tests.planning import MAIL, Table


def meetings(session: Session, series: MeetingSeries) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
        ).all()
    )


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_planning_creates_a_year_of_meetings_and_invites_the_table(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    planned = meetings(session, series)

    assert len(planned) in (13, 14)
    assert all(local(m.starts_at).strftime("%H:%M") == "09:30" for m in planned)
    assert local(planned[-1].starts_at).date() <= today() + timedelta(days=365)
    mails = outbox(session)
    assert sorted(m.to_address for m in mails) == sorted([table.chair.email, table.member.email])
    calendar = Calendar.from_ical(mails[0].attachment)
    assert "FREQ=WEEKLY;INTERVAL=4" in calendar.events[0]["RRULE"].to_ical().decode()


def test_a_meeting_on_a_public_holiday_is_flagged(session: Session, table: Table) -> None:
    christmas = date(today().year, 12, 25)
    if christmas <= today():
        christmas = date(today().year + 1, 12, 25)
    plan = table.plan(
        weekday=christmas.weekday(), starts_on=christmas.isoformat(), interval_weeks=52
    )

    series = service.create_series(session, plan=plan, by=table.admin, today=today(), mail=MAIL)

    first = meetings(session, series)[0]
    assert local(first.starts_at).date() == christmas
    assert first.holiday_name == "Eerste kerstdag"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_on": "2020-01-01", "starts_on": "2019-12-01"},
            "starts_on",
            "geen enkele bijeenkomst",
        ),
        ({"member_ids": [99999]}, "member_ids", "bestaat niet"),
        ({"organisation_ids": "POLICE"}, "member_ids", "hoort niet bij een van de gekozen"),
        ({"covenant_id": 99999}, "covenant_id", "Kies het convenant"),
    ],
    ids=[
        "herhaling zonder bijeenkomst",
        "onbekend lid",
        "lid buiten de organisaties",
        "onbekend convenant",
    ],
)
def test_bad_plans_are_refused_and_nothing_is_saved(
    session: Session, table: Table, overrides: dict[str, object], field: str, message: str
) -> None:
    if overrides.get("organisation_ids") == "POLICE":
        overrides = {"organisation_ids": [table.police_id]}

    with pytest.raises(DomainError, match=message) as refused:
        service.create_series(
            session, plan=table.plan(**overrides), by=table.admin, today=today(), mail=MAIL
        )

    assert refused.value.field == field
    assert (
        count(session, MeetingSeries)
        == count(session, Meeting)
        == count(session, OutboxMessage)
        == 0
    )


def test_moving_one_meeting_leaves_the_others_and_sends_an_update(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, *_ = meetings(session, series)
    new_day = local(first.starts_at).date() + timedelta(days=2)
    before = len(outbox(session))

    service.move_meeting(
        session,
        series=series,
        meeting=first,
        by=table.admin,
        mail=MAIL,
        times=MeetingTimes(
            day=new_day, start_time="14:00", duration_minutes=90, location="Politiebureau"
        ),
    )

    session.expire_all()
    moved = session.get(Meeting, first.id)
    assert local(moved.starts_at).date() == new_day and moved.location == "Politiebureau"
    assert moved.sequence == 1 and moved.occurrence_date == first.occurrence_date
    assert session.get(Meeting, second.id).starts_at == second.starts_at
    update = outbox(session)[before]
    assert "method=REQUEST" in update.attachment_content_type
    assert "RECURRENCE-ID" in update.attachment


@pytest.mark.parametrize("problem", ["verleden", "overlap"])
def test_a_meeting_cannot_move_into_the_past_or_onto_another(
    session: Session, table: Table, series: MeetingSeries, problem: str
) -> None:
    first, second, *_ = meetings(session, series)
    target = (
        local(second.starts_at)
        if problem == "overlap"
        else local(first.starts_at) - timedelta(days=30)
    )

    with pytest.raises(
        DomainError, match="verleden" if problem == "verleden" else "al een bijeenkomst"
    ) as refused:
        service.move_meeting(
            session,
            series=series,
            meeting=first,
            by=table.admin,
            mail=MAIL,
            times=MeetingTimes(
                day=target.date(), start_time=target.time(), location="Gemeentehuis"
            ),
        )

    assert refused.value.field == "day"
    session.expire_all()
    assert session.get(Meeting, first.id).sequence == 0


def test_cancelling_sends_a_calendar_cancellation_without_the_typed_reason(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first = meetings(session, series)[0]

    service.cancel_meeting(
        session,
        series=series,
        meeting=first,
        by=table.admin,
        mail=MAIL,
        data=MeetingCancellation(reason="Te weinig casussen"),
    )

    session.expire_all()
    assert session.get(Meeting, first.id).status == MeetingStatus.CANCELLED
    cancellation = outbox(session)[-1]
    assert "METHOD:CANCEL" in cancellation.attachment
    assert "gaat niet door" in cancellation.body_text
    assert "Te weinig casussen" not in cancellation.body_text
    assert f"/bijeenkomsten/{first.id}" in cancellation.body_text


def test_changing_the_recurrence_moves_only_untouched_future_meetings(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    _, second, *_ = meetings(session, series)
    agenda_service.add_item(
        session, meeting=second, by=table.admin, data=AgendaItemCreate(title="Werkafspraken")
    )
    session.refresh(series)
    new_weekday = (series.weekday + 1) % 7
    new_rule = RecurrenceFields.model_validate(series.model_dump() | {"weekday": new_weekday})

    change = service.change_recurrence(
        session, series=series, rule=new_rule, by=table.admin, today=today(), mail=MAIL
    )

    session.expire_all()
    assert session.get(Meeting, second.id).starts_at == second.starts_at
    assert [m.id for m in change.kept] == [second.id]
    assert change.moved
    assert all(new.weekday() == new_weekday for _, new in change.moved)
    others = [m for m in meetings(session, series) if m.id != second.id]
    assert {local(m.starts_at).weekday() for m in others} == {new_weekday}


def test_meetings_are_kept_planned_a_year_ahead(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    before = len(meetings(session, series))

    added = service.extend_meetings(session, series=series, today=today() + timedelta(days=56))

    assert added == 2 and len(meetings(session, series)) == before + 2


def test_the_deadline_reminder_goes_out_once(session: Session, table: Table) -> None:
    start = today() + timedelta(days=10)
    plan = table.plan(starts_on=start.isoformat(), weekday=start.weekday(), deadline_working_days=4)
    series = service.create_series(session, plan=plan, by=table.admin, today=today(), mail=MAIL)
    first = meetings(session, series)[0]
    reminder_day = first.agenda_deadline - timedelta(days=1)
    before = len(outbox(session))

    sent = service.enqueue_deadline_reminders(session, today=reminder_day, mail=MAIL)
    again = service.enqueue_deadline_reminders(session, today=reminder_day, mail=MAIL)

    assert (sent, again) == (2, 0)
    reminders = outbox(session)[before:]
    assert all("Herinnering: agendadeadline" in m.subject for m in reminders)


def test_a_new_rhythm_skips_the_date_of_a_cancelled_meeting(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    second = meetings(session, series)[1]
    service.cancel_meeting(
        session,
        series=series,
        meeting=second,
        by=table.admin,
        mail=MAIL,
        data=MeetingCancellation(reason="Zomerstop"),
    )
    session.refresh(series)
    every_two_weeks = RecurrenceFields.model_validate(series.model_dump() | {"interval_weeks": 2})

    change = service.change_recurrence(
        session, series=series, rule=every_two_weeks, by=table.admin, today=today(), mail=MAIL
    )

    session.expire_all()
    assert change.moved or change.added
    cancelled = session.get(Meeting, second.id)
    assert cancelled.status == MeetingStatus.CANCELLED
    on_that_day = [
        m for m in meetings(session, series) if m.occurrence_date == cancelled.occurrence_date
    ]
    assert [m.id for m in on_that_day] == [second.id]
