"""iCalendar files for overleggen: a series calendar, e-mail invitations and a personal feed.

Pure functions over loaded models. Events carry only the overleg's name, place and a link to
the app, never case data: calendar files travel to mail servers and phones outside our control.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import STATUS, Calendar, Event, vDuration

from app.db import AMSTERDAM
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus

PRODID = "-//Casustafel//NL"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
METHODS = ("PUBLISH", "REQUEST", "CANCEL")
FEED_REFRESH = timedelta(hours=1)
# VTIMEZONE lists every DST change as an RDATE, so it covers a window, not all of time.
TIMEZONE_YEARS = 30


def series_calendar(series: MeetingSeries, meetings: Sequence[Meeting], *, base_url: str) -> bytes:
    """One overleg as a calendar: its recurrence, the exceptions to it and the extra meetings."""
    calendar = _calendar(series.name)
    _add_series(calendar, series, meetings, base_url)
    return _to_bytes(calendar)


def feed_calendar(
    entries: Sequence[tuple[MeetingSeries, Sequence[Meeting]]], *, base_url: str, name: str
) -> bytes:
    """A personal subscription feed: several overleggen in one calendar."""
    calendar = _calendar(name)
    # Subscribing clients poll at their own pace unless told; Outlook reads X-PUBLISHED-TTL.
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    for series, meetings in entries:
        _add_series(calendar, series, meetings, base_url)
    return _to_bytes(calendar)


def meeting_invitation(
    series: MeetingSeries,
    meeting: Meeting,
    *,
    method: str,
    base_url: str,
    stamp: datetime | None = None,
    organizer: str | None = None,
) -> bytes:
    """An iTIP REQUEST, CANCEL or PUBLISH (download) of one meeting, UID as in the series;
    mail clients want an ORGANIZER on REQUEST and CANCEL to treat it as an update."""
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}; expected one of {METHODS}.")
    calendar = _calendar(series.name, method=method)
    if _is_occurrence(series, meeting):
        event = _override_event(series, meeting, base_url)
    else:
        event = _standalone_event(series, meeting, base_url)
    cancelled = method == "CANCEL" or meeting.status == MeetingStatus.CANCELLED
    event.status = STATUS.CANCELLED if cancelled else STATUS.CONFIRMED
    if stamp is not None:
        event.stamp = stamp.astimezone(UTC)
    if organizer is not None:
        event.add("ORGANIZER", f"mailto:{organizer}", parameters={"CN": "Casustafel"})
    calendar.add_component(event)
    return _to_bytes(calendar)


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    """An empty VCALENDAR with our identity and a display name."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method is not None:
        calendar.add("METHOD", method)
    calendar.add("X-WR-CALNAME", name)
    return calendar


def _add_series(
    calendar: Calendar, series: MeetingSeries, meetings: Sequence[Meeting], base_url: str
) -> None:
    """Add an overleg's master event, its overrides and its standalone meetings."""
    occurrences = sorted((m for m in meetings if _is_occurrence(series, m)), key=_occurrence_date)
    if occurrences:
        calendar.add_component(_master_event(series, occurrences, base_url))
    for meeting in occurrences:
        if meeting.status != MeetingStatus.CANCELLED and _is_moved(series, meeting):
            calendar.add_component(_override_event(series, meeting, base_url))
    for meeting in meetings:
        if not _is_occurrence(series, meeting) and meeting.status != MeetingStatus.CANCELLED:
            calendar.add_component(_standalone_event(series, meeting, base_url))


def _master_event(series: MeetingSeries, occurrences: Sequence[Meeting], base_url: str) -> Event:
    """The recurring event from the first real meeting on; rule dates without a (held) meeting
    up to the last one are excluded, so the calendar shows exactly the app's meetings."""
    first, last = _occurrence_date(occurrences[0]), _occurrence_date(occurrences[-1])
    start = _rule_start(series, first)
    event = _event(
        series,
        uid=_series_uid(series, base_url),
        start=start,
        end=start + timedelta(minutes=series.duration_minutes),
        location=series.default_location,
        stamp=series.created_at,
        base_url=base_url,
    )
    event.add("RRULE", _rule(series))
    held = {m.occurrence_date for m in occurrences if m.status != MeetingStatus.CANCELLED}
    excluded = [day for day in _rule_dates(series, first, last) if day not in held]
    if excluded:
        event.add("EXDATE", [_rule_start(series, day) for day in excluded])
    return event


def _rule_dates(series: MeetingSeries, first: date, last: date) -> list[date]:
    """The dates of the rule from first to last, both included."""
    step = timedelta(weeks=series.interval_weeks)
    return [first + step * n for n in range((last - first) // step + 1)]


def _rule(series: MeetingSeries) -> dict[str, object]:
    """The RRULE of an overleg; UNTIL is in UTC because DTSTART has a TZID (RFC 5545)."""
    rule: dict[str, object] = {
        "FREQ": "WEEKLY",
        "INTERVAL": series.interval_weeks,
        "BYDAY": BYDAY[series.weekday],
    }
    if series.ends_on is not None:
        # An occurrence on ends_on itself starts exactly at UNTIL, and UNTIL is inclusive.
        rule["UNTIL"] = _rule_start(series, series.ends_on).astimezone(UTC)
    return rule


def _override_event(series: MeetingSeries, meeting: Meeting, base_url: str) -> Event:
    """One occurrence as it really takes place, tied to its place in the rule."""
    event = _meeting_event(series, meeting, uid=_series_uid(series, base_url), base_url=base_url)
    event.RECURRENCE_ID = _rule_start(series, _occurrence_date(meeting))
    return event


def _standalone_event(series: MeetingSeries, meeting: Meeting, base_url: str) -> Event:
    """A meeting outside the current rule (extra, or generated under an older rule)."""
    return _meeting_event(series, meeting, uid=_meeting_uid(meeting, base_url), base_url=base_url)


def _meeting_event(series: MeetingSeries, meeting: Meeting, *, uid: str, base_url: str) -> Event:
    """One meeting at its actual time and place."""
    return _event(
        series,
        uid=uid,
        start=meeting.starts_at.astimezone(AMSTERDAM),
        end=meeting.ends_at.astimezone(AMSTERDAM),
        location=meeting.location,
        stamp=meeting.created_at,
        base_url=base_url,
        sequence=meeting.sequence,
    )


def _event(
    series: MeetingSeries,
    *,
    uid: str,
    start: datetime,
    end: datetime,
    location: str,
    stamp: datetime,
    base_url: str,
    sequence: int | None = None,
) -> Event:
    """A VEVENT with the only texts we allow out of the app: name, place and link."""
    link = f"{base_url.rstrip('/')}/overleggen/{series.id}"
    return Event.new(
        uid=uid,
        # Passed in rather than read from the clock, so the same data gives the same bytes.
        stamp=stamp.astimezone(UTC),
        start=start,
        end=end,
        summary=series.name,
        location=location,
        description=link,
        url=link,
        sequence=sequence,
    )


def _to_bytes(calendar: Calendar) -> bytes:
    """Add the VTIMEZONE the events refer to and serialise."""
    starts = [event.start for event in calendar.events]
    if starts:
        first = min(starts).year
        calendar.add_missing_timezones(
            first_date=date(first, 1, 1), last_date=date(first + TIMEZONE_YEARS, 1, 1)
        )
    return calendar.to_ical()


def _first_start(series: MeetingSeries) -> datetime:
    """The first date on or after starts_on on the series' weekday, at its start time."""
    days_ahead = (series.weekday - series.starts_on.weekday()) % 7
    return _rule_start(series, series.starts_on + timedelta(days=days_ahead))


def _rule_start(series: MeetingSeries, day: date) -> datetime:
    """Where the rule puts a meeting on this day: the series' local start time in Amsterdam."""
    return datetime.combine(day, series.start_time, tzinfo=AMSTERDAM)


def _rule_has_dates(series: MeetingSeries) -> bool:
    """Whether the rule yields any date at all (an end before the first weekday yields none)."""
    return series.ends_on is None or _first_start(series).date() <= series.ends_on


def _is_occurrence(series: MeetingSeries, meeting: Meeting) -> bool:
    """Whether the meeting stands on a date of the series' current rule."""
    day = meeting.occurrence_date
    if day is None or not _rule_has_dates(series):
        return False
    weeks_apart, remainder = divmod((day - _first_start(series).date()).days, 7)
    return (
        remainder == 0
        and weeks_apart >= 0
        and weeks_apart % series.interval_weeks == 0
        and (series.ends_on is None or day <= series.ends_on)
    )


def _is_moved(series: MeetingSeries, meeting: Meeting) -> bool:
    """Whether the meeting's time or place differs from what the rule gives for its date."""
    start = _rule_start(series, _occurrence_date(meeting))
    end = start + timedelta(minutes=series.duration_minutes)
    return (
        meeting.starts_at != start
        or meeting.ends_at != end
        or meeting.location != series.default_location
    )


def _occurrence_date(meeting: Meeting) -> date:
    """The recurrence date of a generated meeting."""
    if meeting.occurrence_date is None:
        raise ValueError(f"Meeting {meeting.id} is an extra meeting without a recurrence date.")
    return meeting.occurrence_date


def _series_uid(series: MeetingSeries, base_url: str) -> str:
    """The stable UID of an overleg's recurring event."""
    return f"series-{series.id}@{_host(base_url)}"


def _meeting_uid(meeting: Meeting, base_url: str) -> str:
    """The stable UID of a meeting outside the rule."""
    return f"meeting-{meeting.id}@{_host(base_url)}"


def _host(base_url: str) -> str:
    """The host name of the app, the right-hand side of every UID."""
    host = urlsplit(base_url).hostname
    if not host:
        raise ValueError(f"base_url {base_url!r} has no host name.")
    return host
