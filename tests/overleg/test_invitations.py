"""Invitations arrive at a real SMTP server on loopback, with .ics files a calendar accepts:
one iTIP message per member, naming them, that updates the series in their calendar."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from email.message import EmailMessage

import pytest
import recurring_ical_events
from icalendar import Calendar, Component, Event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import AMSTERDAM, make_engine, utcnow
from app.mail.models import OutboxMessage
from app.mail.sender import deliver_due
from app.overleg import flows, service
from app.overleg.models import (
    Meeting,
    MeetingCancellation,
    MeetingSeries,
    MeetingTimes,
    SeriesEdit,
)
from app.overleg.schedule import local
from tests.factories import make_user
from tests.planning import MAIL, Table
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def calendar_of(mail: EmailMessage) -> Calendar:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    # iMIP: the content type repeats the METHOD inside.
    assert part.get_param("method") == str(calendar["METHOD"])
    return calendar


def planned(session: Session, series: MeetingSeries) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
        ).all()
    )


def assert_addressed(calendar: Calendar, recipient: str) -> None:
    """Every event names the app as organizer and this recipient as its one attendee."""
    for event in calendar.events:
        assert event["ORGANIZER"] == f"mailto:{MAIL.sender}"
        assert [str(a) for a in event.attendees] == [f"mailto:{recipient}"]


def instance_key(event: Event) -> tuple[str, datetime | None]:
    recurrence_id = event.get("RECURRENCE-ID")
    return str(event["UID"]), recurrence_id.dt if recurrence_id else None


def after_processing(series_request: Calendar, *updates: Calendar) -> Calendar:
    """The member's calendar after their app processed the updates as RFC 5546 asks: an instance
    replaces what stood for its UID and RECURRENCE-ID only with a higher SEQUENCE."""
    events = {instance_key(event): event for event in series_request.events}
    for update in updates:
        for event in update.events:
            uid, recurrence_id = instance_key(event)
            current = events.get((uid, recurrence_id)) or events[(uid, None)]
            assert event.sequence > current.sequence, "a calendar app would ignore this update"
            events[(uid, recurrence_id)] = event
    calendar = Calendar()
    for component in [*series_request.timezones, *events.values()]:
        calendar.add_component(component)
    return calendar


def window(meetings: list[Meeting]) -> tuple[datetime, datetime]:
    return (
        local(meetings[0].starts_at) - timedelta(hours=1),
        local(meetings[-1].starts_at) + timedelta(hours=1),
    )


def expanded(calendar: Calendar, meetings: list[Meeting]) -> list[Component]:
    return sorted(recurring_ical_events.of(calendar).between(*window(meetings)), key=start_of)


def start_of(event: Component) -> datetime:
    return event.start


def test_each_member_receives_the_series_as_a_request_naming_them(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    delivered = deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))

    assert delivered == 2
    assert smtp_server.recipients() == sorted([table.chair.email, table.member.email])
    meetings = planned(session, series)
    for mail in smtp_server.mails():
        assert mail["Subject"] == f"Uitnodiging: {series.name}"
        calendar = calendar_of(mail)
        assert calendar["METHOD"] == "REQUEST"
        assert_addressed(calendar, mail["To"])
        starts = [event.start for event in expanded(calendar, meetings)]
        assert starts == [local(m.starts_at) for m in meetings]


def test_a_move_and_a_cancellation_update_the_series_in_each_members_calendar(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    meetings = planned(session, series)
    first, second, *rest = meetings
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))
    series_requests = {mail["To"]: calendar_of(mail) for mail in smtp_server.mails()}
    smtp_server.received.clear()
    new_day = local(first.starts_at).date() + timedelta(days=1)

    service.move_meeting(
        session,
        series=series,
        meeting=first,
        by=table.admin,
        mail=MAIL,
        times=MeetingTimes(day=new_day, start_time="13:00", location="Politiebureau"),
    )
    service.cancel_meeting(
        session,
        series=series,
        meeting=second,
        by=table.admin,
        mail=MAIL,
        data=MeetingCancellation(reason="Zomerreces"),
    )
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))

    mails = smtp_server.mails()
    assert sorted(mail["To"] for mail in mails) == sorted(
        2 * [table.chair.email, table.member.email]
    )
    for recipient, series_request in series_requests.items():
        move, cancel = [calendar_of(mail) for mail in mails if mail["To"] == recipient]
        assert (move["METHOD"], cancel["METHOD"]) == ("REQUEST", "CANCEL")
        assert_addressed(move, recipient)
        assert_addressed(cancel, recipient)
        shown = expanded(after_processing(series_request, move, cancel), meetings)
        moved, cancelled, *unchanged = shown
        assert moved.start == datetime.combine(new_day, time(13, 0), tzinfo=AMSTERDAM)
        assert moved["LOCATION"] == "Politiebureau"
        assert "verplaatst" in moved["DESCRIPTION"]
        assert cancelled.start == local(second.starts_at)
        assert cancelled["STATUS"] == "CANCELLED"
        assert [event.start for event in unchanged] == [local(m.starts_at) for m in rest]
        assert all(event.get("STATUS") != "CANCELLED" for event in unchanged)


def test_who_joins_gets_the_series_and_the_extra_meeting_each_naming_them(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    extra_day = local(planned(session, series)[0].starts_at).date() + timedelta(days=2)
    extra = service.add_meeting(
        session,
        series=series,
        times=MeetingTimes(day=extra_day, start_time="15:00", location="Buurthuis"),
        by=table.admin,
        mail=MAIL,
    )
    newcomer = make_user(session, name="Nina Nieuw", organisation_id=table.housing_id)
    before = session.exec(select(OutboxMessage.id).order_by(col(OutboxMessage.id).desc())).first()
    table_with_newcomer = SeriesEdit.model_validate(
        {
            "name": series.name,
            "covenant_id": series.covenant_id,
            "default_location": series.default_location,
            "organisation_ids": [table.police_id, table.housing_id],
            "member_ids": [table.chair.id, table.member.id, newcomer.id],
            "chair_ids": [table.chair.id],
        }
    )

    flows.edit_series(session, series=series, edit=table_with_newcomer, by=table.admin, mail=MAIL)

    invited = session.exec(
        select(OutboxMessage).where(OutboxMessage.id > before).order_by(col(OutboxMessage.id))
    ).all()
    assert [mail.to_address for mail in invited] == [newcomer.email, newcomer.email]
    series_request, extra_request = [Calendar.from_ical(mail.attachment) for mail in invited]
    for calendar in (series_request, extra_request):
        assert calendar["METHOD"] == "REQUEST"
        assert_addressed(calendar, newcomer.email)
    assert {str(e["UID"]) for e in series_request.events} == {
        f"series-{series.id}@casustafel.example"
    }
    [event] = extra_request.events
    assert str(event["UID"]) == f"meeting-{extra.id}@casustafel.example"
    assert event.start == local(extra.starts_at)


def test_a_long_name_and_place_make_a_shortened_subject_not_a_failed_move(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))
    smtp_server.received.clear()
    series.name = "Integraal overleg " + "Dorpsveen-" * 18  # the longest a name may be
    session.add(series)
    session.commit()
    first = planned(session, series)[0]
    place = "Gemeentehuis, " + "vergaderzaal " * 14

    service.move_meeting(
        session,
        series=series,
        meeting=first,
        by=table.admin,
        mail=MAIL,
        times=MeetingTimes(day=local(first.starts_at).date(), start_time="13:00", location=place),
    )
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))

    session.refresh(first)
    assert local(first.starts_at).time() == time(13, 0)
    subjects = {" ".join(str(mail["Subject"]).split()) for mail in smtp_server.mails()}
    [subject] = subjects
    assert len(subject) == 300 and subject.startswith(f"Bijeenkomst {series.name}: ")
    assert subject.endswith("…")
