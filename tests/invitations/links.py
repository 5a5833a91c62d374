"""Reading the one-time links that invitations and resets put in the outbox or the mailbox."""

import re
from typing import Any

from sqlmodel import Session, col, select

from app.audit import Actor
from app.invitations import service
from app.mail.models import OutboxMessage
from app.overleg.invitations import MailContext
from app.users.models import User, UserCreate
from tests.factories import make_organisation

LINK = re.compile(r"https?://[^/\s]+(/(?:uitnodiging|wachtwoord-herstellen)/[\w-]+)")
BEHEERDER = Actor(user=None, organisation_name="Gemeente Dorpsveen", client_address="127.0.0.1")
MAIL = MailContext(base_url="http://127.0.0.1:8000", sender="mdo@gemeente.nl")


def link_path(text: str) -> str:
    """The path of the one-time link in a mail's text."""
    match = LINK.search(text)
    assert match, "geen eenmalige link in de e-mail"
    return match.group(1)


def outbox_to(session: Session, address: str) -> list[OutboxMessage]:
    """The outbox messages to this address, oldest first."""
    session.expire_all()
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(col(OutboxMessage.id))
        )
    )


def newest_link_url(session: Session, address: str) -> str:
    """The newest one-time link mailed to this address (still in the outbox), as mailed."""
    for message in reversed(outbox_to(session, address)):
        match = LINK.search(message.body_text)
        if match:
            return match.group(0)
    raise AssertionError("geen eenmalige link in de e-mail")


def newest_link(session: Session, address: str) -> str:
    """The path of the newest one-time link mailed to this address."""
    return link_path(newest_link_url(session, address))


def invite(session: Session, **fields: Any) -> User:
    """An account created by a beheerder: no password, an invitation in the outbox."""
    values: dict[str, Any] = {
        "name": "Iris Ingeschreven",
        "email": "iris@wijkteam.example",
        "is_participant": True,
    }
    if "organisation_id" not in fields:
        values["organisation_id"] = make_organisation(session).id
    data = UserCreate.model_validate(values | fields)
    return service.invite_user(session, data=data, by=BEHEERDER, mail=MAIL)
