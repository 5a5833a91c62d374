"""Rule 12: mail carries links, not content; staff contact details never go into a mail."""

from sqlmodel import Session, col, select

from app.config import Settings
from app.contacts.models import ContactCard
from app.mail.models import OutboxMessage
from tests.mail.test_mail_content import drive_every_mail, readable


def test_no_e_mail_holds_a_function_phone_number_or_bereikbaarheid(
    session: Session, settings: Settings
) -> None:
    drive_every_mail(session, settings)

    cards = session.exec(select(ContactCard)).all()
    fields = {
        text
        for card in cards
        for text in (card.function, card.phone, card.phone_display, card.availability)
        if text
    }
    messages = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    leaks = {
        (message.subject, text)
        for message in messages
        for text in fields
        if text.casefold() in readable(message).casefold()
    }
    assert len(cards) >= 5 and len(messages) > 10
    assert leaks == set()
