"""De tafel as vCards (3.0), one file for a phone's address book: exactly its members."""

import vobject

from app.contacts.queries import Contact, TableView

MEDIA_TYPE = "text/vcard; charset=utf-8"


def _card(contact: Contact) -> vobject.base.Component:
    user = contact.user
    card = vobject.vCard()
    card.add("fn").value = user.name
    given, _, family = user.name.partition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("org").value = [user.organisation.name]
    if contact.function:
        card.add("title").value = contact.function
    if contact.phone:
        phone = card.add("tel")
        phone.value = contact.phone
        phone.type_param = "WORK"
    email = card.add("email")
    email.value = user.email
    email.type_param = "WORK"
    if contact.availability:
        card.add("note").value = f"Bereikbaarheid: {contact.availability}"
    return card


def of_table(view: TableView) -> str:
    """Every member of the overleg as a vCard, in one text."""
    return "".join(_card(seat.contact).serialize() for seat in view.seats)
