"""The e-mails planning sends: Dutch text plus an .ics, put in the outbox by the caller's use case.

Never any case data: only the overleg, date, time, place and a link.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.calendar import ics
from app.config import Settings
from app.dates import long_date, time_of_day
from app.mail import service as mail_service
from app.mail.service import Attachment
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.users.models import User

SIGNATURE = "\n\nMet vriendelijke groet,\nCasustafel\n\nDit bericht is automatisch verstuurd."


@dataclass(frozen=True)
class MailContext:
    """Where links in an e-mail point to, and who sends it."""

    base_url: str
    sender: str

    @classmethod
    def of(cls, settings: Settings) -> "MailContext":
        return cls(base_url=settings.base_url, sender=settings.mail_from)


def member_addresses(
    session: Session, *, series_id: int, user_ids: Collection[int] | None = None
) -> list[str]:
    """E-mail addresses of the active members of an overleg (only these, when given)."""
    statement = (
        select(User.email)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series_id, col(User.active))
        .order_by(col(User.email))
    )
    if user_ids is not None:
        statement = statement.where(col(User.id).in_(user_ids))
    return list(session.exec(statement).all())


def describe(meeting: Meeting) -> str:
    """'dinsdag 3 maart 2026, 09:30–11:30, Gemeentehuis' for a meeting."""
    start, end = meeting.starts_at, meeting.ends_at
    return f"{long_date(start)}, {time_of_day(start)}–{time_of_day(end)}, {meeting.location}"


def _link(mail: MailContext, series: MeetingSeries, meeting: Meeting | None = None) -> str:
    path = f"/overleggen/{series.id}"
    if meeting is not None:
        path += f"/bijeenkomsten/{meeting.id}"
    return mail.base_url.rstrip("/") + path


def _to_members(
    session: Session,
    series: MeetingSeries,
    subject: str,
    body: str,
    attachment: Attachment | None = None,
    user_ids: Collection[int] | None = None,
) -> int:
    return mail_service.enqueue_many(
        session,
        recipients=member_addresses(session, series_id=series.id, user_ids=user_ids),
        subject=subject,
        body=body + SIGNATURE,
        attachment=attachment,
    )


def invite_to_series(
    session: Session,
    *,
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    mail: MailContext,
    user_ids: Collection[int] | None = None,
) -> int:
    """Invite every member (or only these) to the whole overleg (a recurring calendar item)."""
    calendar = ics.series_calendar(series, meetings, base_url=mail.base_url)
    upcoming = "\n".join(f"- {describe(m)}" for m in meetings[:3])
    body = (
        f"U bent lid van het {series.kind} '{series.name}'.\n\n"
        f"De eerstvolgende bijeenkomsten:\n{upcoming}\n\n"
        f"In de bijlage staat de reeks voor uw agenda. Alle bijeenkomsten: "
        f"{_link(mail, series)}"
    )
    attachment = Attachment("overleg.ics", "text/calendar", calendar.decode())
    return _to_members(
        session, series, f"Uitnodiging: {series.name}", body, attachment, user_ids=user_ids
    )


def announce_meeting_change(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    mail: MailContext,
    cancelled: bool,
) -> int:
    """Tell members a meeting was moved, added or cancelled, with the matching .ics."""
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = ics.meeting_invitation(
        series, meeting, method=method, base_url=mail.base_url, organizer=mail.sender
    )
    if cancelled:
        subject = f"Geannuleerd: {series.name} op {describe(meeting)}"
        body = (
            f"De bijeenkomst van {describe(meeting)} gaat niet door.\n"
            f"Reden: {meeting.cancellation_reason}"
        )
    else:
        subject = f"Bijeenkomst {series.name}: {describe(meeting)}"
        body = f"De bijeenkomst is gepland op {describe(meeting)}."
    body += f"\n\nMeer informatie: {_link(mail, series, meeting)}"
    attachment = Attachment("bijeenkomst.ics", f"text/calendar; method={method}", calendar.decode())
    return _to_members(session, series, subject, body, attachment)


def announce_agenda(
    session: Session, *, series: MeetingSeries, meeting: Meeting, mail: MailContext
) -> int:
    """Tell members the agenda of a meeting is final."""
    body = (
        f"De agenda voor {describe(meeting)} is vastgesteld.\n"
        f"U vindt haar in Casustafel: {_link(mail, series, meeting)}"
    )
    return _to_members(session, series, f"Agenda vastgesteld: {series.name}", body)


def remind_of_deadline(
    session: Session, *, series: MeetingSeries, meeting: Meeting, mail: MailContext
) -> int:
    """Remind members that casussen must be in before the agenda deadline."""
    deadline = long_date(meeting.agenda_deadline)
    body = (
        f"Wilt u een casus inbrengen voor {describe(meeting)}? Dat kan tot en met {deadline}. "
        "Later ingebrachte casussen komen alleen op de agenda als de voorzitter ze accepteert."
        f"\n\n{_link(mail, series, meeting)}"
    )
    subject = f"Herinnering: agendadeadline {series.name} op {deadline}"
    return _to_members(session, series, subject, body)
