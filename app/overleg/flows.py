"""Side effects around planning use cases: the invitations after the table of an overleg changed
(put in the outbox, sent by app.mail.sender)."""

from sqlmodel import Session

from app.audit import Actor
from app.db import utcnow
from app.overleg import invitations, service
from app.overleg.invitations import MailContext
from app.overleg.models import MeetingSeries, SeriesEdit
from app.overleg.service import TableChange


def edit_series(
    session: Session, *, series: MeetingSeries, edit: SeriesEdit, by: Actor, mail: MailContext
) -> TableChange:
    """Save the changes to an overleg, then invite whoever joined its table; when its name or
    place changed, every member gets the new calendar."""
    now = utcnow()
    change = service.edit_series(session, series=series, edit=edit, by=by, now=now)
    recipients = None if change.calendar_changed else change.joined
    if recipients != []:
        invitations.invite_to_series(
            session,
            series=series,
            meetings=service.upcoming_meetings(session, series=series, now=now),
            mail=mail,
            user_ids=recipients,
        )
        session.commit()
    return change
