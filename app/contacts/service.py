"""Use cases on contact cards: a person fills in their own card."""

from sqlmodel import Session

from app import audit
from app.audit import Actor
from app.contacts import queries
from app.contacts.models import ContactCard, ContactCardUpdate
from app.db import utcnow
from app.errors import DomainError
from app.overleg.models import MeetingSeries
from app.users.models import User

DEPUTY_FIELD = "deputy_user_id"
DEPUTY_IS_SELF = "U kunt niet uw eigen vervanger zijn. Kies iemand anders."
DEPUTY_ELSEWHERE = "Kies als vervanger iemand van uw eigen organisatie."
DEPUTY_INACTIVE = "Deze persoon heeft geen actief account. Kies een andere vervanger."


def _check_deputy(session: Session, *, user: User, deputy_id: int | None) -> None:
    """A vervanger is another person with an active account at the same organisation."""
    if deputy_id is None:
        return
    if deputy_id == user.id:
        raise DomainError(DEPUTY_IS_SELF, field=DEPUTY_FIELD)
    deputy = session.get(User, deputy_id)
    if deputy is None or deputy.organisation_id != user.organisation_id:
        raise DomainError(DEPUTY_ELSEWHERE, field=DEPUTY_FIELD)
    if not deputy.active or deputy.awaiting_admission:
        raise DomainError(DEPUTY_INACTIVE, field=DEPUTY_FIELD)


def save_card(
    session: Session, *, user: User, card_in: ContactCardUpdate, by: Actor
) -> ContactCard:
    """Fill in or change one's own contact card; the fields changed are logged, not their values."""
    _check_deputy(session, user=user, deputy_id=card_in.deputy_user_id)
    card = queries.card_of(session, user_id=user.id) or ContactCard(user_id=user.id)
    wanted = card_in.model_dump()
    changed = sorted(name for name, value in wanted.items() if getattr(card, name) != value)
    card.sqlmodel_update(wanted | {"updated_at": utcnow()})
    session.add(card)
    audit.record(
        session,
        action="contactkaart.gewijzigd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"velden": changed},
    )
    session.commit()
    return card


def record_vcard_download(session: Session, *, series: MeetingSeries, by: Actor) -> None:
    """Log that someone took De tafel's contact details along as vCards."""
    audit.record(
        session,
        action="tafel.vcards.gedownload",
        actor=by,
        object_type="overleg",
        object_id=series.id,
    )
    session.commit()
