"""The e-mails planning sends: Dutch text plus an .ics, put in the outbox by the caller's use case.

Never any case data: only the overleg, date, time, place and a link.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from sqlmodel import Session, col, select

from app.calendar import ics
from app.config import Settings
from app.dates import long_date, time_of_day
from app.db import utcnow
from app.mail import service as mail_service
from app.mail.service import Attachment
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesMember
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


def _invite_members(
    session: Session,
    series: MeetingSeries,
    subject: str,
    body: str,
    invitation: Callable[[str], Attachment],
    user_ids: Collection[int] | None = None,
) -> int:
    """One e-mail per member with an invitation of their own: it names them as its attendee."""
    recipients = mail_service.distinct_recipients(
        member_addresses(session, series_id=series.id, user_ids=user_ids)
    )
    for address in recipients:
        mail_service.enqueue(
            session,
            to=address,
            subject=subject,
            body=body + SIGNATURE,
            attachment=invitation(address),
        )
    return len(recipients)


def _invitee(mail: MailContext, address: str, sent_at: datetime) -> ics.Invitee:
    # The sender may carry a display name ("Casustafel <noreply@...>"); ORGANIZER is an address.
    organizer = parseaddr(mail.sender)[1] or mail.sender
    return ics.Invitee(organizer=organizer, attendee=address, sent_at=sent_at)


def _ics(filename: str, method: str, calendar: bytes) -> Attachment:
    # iMIP (RFC 6047) wants the METHOD inside repeated on the content type.
    return Attachment(filename, f"text/calendar; method={method}", calendar.decode())


def invite_to_series(
    session: Session,
    *,
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    mail: MailContext,
    user_ids: Collection[int] | None = None,
) -> int:
    """Invite every member (or only these) to the whole overleg: the recurring calendar item,
    and each coming meeting outside its rule as an item of its own; how many e-mails."""
    sent_at = utcnow()
    taking_place = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    upcoming = "\n".join(f"- {describe(m)}" for m in taking_place[:3])
    body = (
        f"U bent lid van het {series.kind} '{series.name}'.\n\n"
        f"De eerstvolgende bijeenkomsten:\n{upcoming}\n\n"
        f"In de bijlage staat de reeks voor uw agenda. Alle bijeenkomsten: "
        f"{_link(mail, series)}"
    )
    sent = 0
    if any(ics.follows_rule(series, m) for m in meetings):
        sent += _invite_members(
            session,
            series,
            f"Uitnodiging: {series.name}",
            body,
            lambda address: _ics(
                "overleg.ics",
                "REQUEST",
                ics.series_invitation(
                    series, meetings, base_url=mail.base_url, to=_invitee(mail, address, sent_at)
                ),
            ),
            user_ids,
        )
    for meeting in taking_place:
        if not ics.follows_rule(series, meeting):
            sent += announce_meeting_change(
                session, series=series, meeting=meeting, mail=mail, user_ids=user_ids
            )
    return sent


def announce_meeting_change(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    mail: MailContext,
    user_ids: Collection[int] | None = None,
) -> int:
    """Tell members (or only these) a meeting was moved, added or cancelled, each with the
    REQUEST or CANCEL that updates it in their calendar."""
    method = ics.itip_method(meeting)
    if method == "CANCEL":
        subject = f"Geannuleerd: {series.name} op {describe(meeting)}"
        body = (
            # The reason is free text that may name a casus: it stays behind the link (rule 12).
            f"De bijeenkomst van {describe(meeting)} gaat niet door. "
            "De reden staat bij de bijeenkomst in Casustafel."
        )
    else:
        subject = f"Bijeenkomst {series.name}: {describe(meeting)}"
        body = f"De bijeenkomst is gepland op {describe(meeting)}."
    body += f"\n\nMeer informatie: {_link(mail, series, meeting)}"
    sent_at = utcnow()
    return _invite_members(
        session,
        series,
        subject,
        body,
        lambda address: _ics(
            "bijeenkomst.ics",
            method,
            ics.meeting_invitation(
                series, meeting, base_url=mail.base_url, to=_invitee(mail, address, sent_at)
            ),
        ),
        user_ids,
    )


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
