"""Putting e-mail in the outbox, in the caller's transaction; sending happens in app.mail.sender."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.mail.models import SUBJECT_MAX, OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Attachment:
    """A text attachment, e.g. an .ics with content_type "text/calendar; method=REQUEST"."""

    filename: str
    content_type: str
    content: str


def _one_line(subject: str) -> str:
    """The subject on one line (a line break in a header would make the message unsendable on
    every attempt), shortened to what the outbox keeps: an overleg's name and a place may
    together be longer."""
    line = " ".join(subject.split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…"


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    attachment: Attachment | None = None,
    secret: bool = False,
) -> OutboxMessage:
    """Add one e-mail to the outbox in the caller's session; the caller commits. A secret body
    (a one-time link) is blanked in the outbox once sent or given up on."""
    message = OutboxMessage(
        to_address=to.strip(),
        subject=_one_line(subject),
        body_text=body,
        attachment_filename=attachment.filename if attachment else None,
        attachment_content_type=attachment.content_type if attachment else None,
        attachment=attachment.content if attachment else None,
        secret=secret,
    )
    session.add(message)
    return message


def distinct_recipients(recipients: Iterable[str]) -> list[str]:
    """The recipients without blanks and repeats (an address counts once, whatever its case)."""
    seen: set[str] = set()
    distinct = []
    for recipient in recipients:
        key = recipient.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            distinct.append(recipient)
    return distinct


def enqueue_many(
    session: Session,
    *,
    recipients: Iterable[str],
    subject: str,
    body: str,
    attachment: Attachment | None = None,
) -> int:
    """Add one e-mail per distinct recipient to the outbox; how many were added."""
    distinct = distinct_recipients(recipients)
    for recipient in distinct:
        enqueue(session, to=recipient, subject=subject, body=body, attachment=attachment)
    return len(distinct)


def failed_messages(session: Session) -> list[OutboxMessage]:
    """The e-mails that were given up on, newest first (for the beheerder)."""
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
    )
    return list(session.exec(statement))
