"""Invitations arrive at a real SMTP server on loopback, with .ics files a calendar accepts."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import AMSTERDAM, make_engine, utcnow
from app.mail.sender import deliver_due
from app.overleg import service
from app.overleg.models import Meeting, MeetingCancellation, MeetingSeries, MeetingTimes
from app.overleg.schedule import local
from tests.planning import MAIL, Table
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def calendar_of(mail: object) -> Calendar:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]  # type: ignore[attr-defined]
    return Calendar.from_ical(part.get_content())


def test_members_receive_the_series_and_it_expands_to_the_apps_meetings(
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
    mail = smtp_server.mails()[0]
    assert mail["Subject"] == f"Uitnodiging: {series.name}"
    planned = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()
    window = (
        local(planned[0].starts_at) - timedelta(hours=1),
        local(planned[-1].starts_at) + timedelta(hours=1),
    )
    expanded = recurring_ical_events.of(calendar_of(mail)).between(*window)
    assert sorted(e.start for e in expanded) == [local(m.starts_at) for m in planned]


def test_a_move_and_a_cancellation_reach_the_members_as_request_and_cancel(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    first, second, *_ = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))
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

    calendars = [calendar_of(mail) for mail in smtp_server.mails()]
    methods = sorted(str(c["METHOD"]) for c in calendars)
    assert methods == ["CANCEL", "CANCEL", "REQUEST", "REQUEST"]
    request = next(c for c in calendars if str(c["METHOD"]) == "REQUEST")
    [event] = request.events
    assert event.start == datetime.combine(new_day, time(13, 0), tzinfo=AMSTERDAM)
    assert "RECURRENCE-ID" in event and str(event["ORGANIZER"]).startswith("mailto:")
