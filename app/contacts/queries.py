"""What contact cards show: one's own card and the vervangers one may choose, De tafel of an
overleg, and whom to call about a casus. Reads only; a fixed number of statements each."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.cases.models import Case
from app.contacts.models import ContactCard
from app.covenants import coverage
from app.covenants import queries as covenant_queries
from app.organisations.models import Organisation
from app.overleg import queries as overleg_queries
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MemberRole,
    SeriesMember,
)
from app.users.models import User

# A newcomer is introduced at the first two meetings held after they took their seat.
MEETINGS_AS_NEWCOMER = 2
# Seated within this long after the overleg was planned: seated when it was planned.
NEWCOMER_GRACE = timedelta(minutes=1)
CARD_FIELDS = ("function", "phone", "availability", "deputy_user_id", "away_until")


@dataclass(frozen=True)
class Contact:
    """A person with their card (if any) and, while they are away, their vervanger."""

    user: User
    card: ContactCard | None
    away: bool = False
    deputy: "Contact | None" = None

    @property
    def function(self) -> str | None:
        return self.card.function if self.card else None

    @property
    def phone(self) -> str | None:
        """In E.164, for a tel: link."""
        return self.card.phone if self.card else None

    @property
    def phone_display(self) -> str | None:
        return self.card.phone_display if self.card else None

    @property
    def availability(self) -> str | None:
        return self.card.availability if self.card else None

    @property
    def away_until(self) -> date | None:
        return self.card.away_until if self.card else None


@dataclass(frozen=True)
class Seat:
    """A member at De tafel: role, contact details, and whether to introduce them."""

    member: SeriesMember
    contact: Contact
    newcomer: bool


@dataclass(frozen=True)
class OrganisationAtTable:
    organisation: Organisation
    coverage: coverage.Coverage
    seats: list[Seat]


@dataclass(frozen=True)
class TableView:
    """De tafel: who runs the overleg, and per member organisation its people."""

    series: MeetingSeries
    leads: list[Seat]
    organisations: list[OrganisationAtTable]

    @property
    def seats(self) -> list[Seat]:
        return [seat for group in self.organisations for seat in group.seats]


@dataclass(frozen=True, slots=True)
class OwnerKey:
    """A casus' owner: the organisation and (optionally) person, in the overleg it belongs to."""

    series_id: int
    organisation_id: int | None
    user_id: int | None

    @classmethod
    def of(cls, case: Case) -> "OwnerKey":
        return cls(case.series_id, case.owner_organisation_id, case.owner_user_id)


def card_of(session: Session, *, user_id: int) -> ContactCard | None:
    """A person's card, if they filled it in."""
    return session.exec(select(ContactCard).where(ContactCard.user_id == user_id)).first()


def card_values(card: ContactCard | None) -> dict[str, Any]:
    """The card as the form shows it: the phone as a Dutch reader writes it."""
    if card is None:
        return {}
    return {name: getattr(card, name) for name in CARD_FIELDS} | {"phone": card.phone_display}


def deputy_options(session: Session, *, user: User) -> list[tuple[int | None, str]]:
    """Who may stand in: the other people with an active account at one's organisation."""
    colleagues = session.exec(
        select(User)
        .where(
            User.organisation_id == user.organisation_id,
            User.id != user.id,
            col(User.active),
            col(User.awaiting_admission).is_(False),
        )
        .order_by(col(User.name))
    ).all()
    return [(colleague.id, colleague.name) for colleague in colleagues]


def _with_deputies(
    session: Session, people: Sequence[tuple[User, ContactCard | None]], *, day: date
) -> dict[int, Contact]:
    """Contacts by user id, each away one with their vervanger; one statement for them all."""
    away = {
        user.id: card.deputy_user_id
        for user, card in people
        if card is not None and card.away_on(day) and card.deputy_user_id is not None
    }
    deputies = session.exec(
        select(User, ContactCard)
        .outerjoin(ContactCard, col(ContactCard.user_id) == User.id)
        .where(col(User.id).in_(set(away.values())))
    ).all()
    deputy_by_id = {user.id: Contact(user, card) for user, card in deputies}
    return {
        user.id: Contact(
            user,
            card,
            away=card is not None and card.away_on(day),
            deputy=deputy_by_id.get(away.get(user.id)),
        )
        for user, card in people
        if user.id is not None
    }


def contacts_of(session: Session, *, user_ids: Collection[int], day: date) -> dict[int, Contact]:
    """These people's contacts by id, with vervangers where they are away; two statements."""
    people = session.exec(
        select(User, ContactCard)
        .outerjoin(ContactCard, col(ContactCard.user_id) == User.id)
        .where(col(User.id).in_(user_ids))
    ).all()
    return _with_deputies(session, people, day=day)


def is_newcomer(
    member: SeriesMember, series: MeetingSeries, meetings: Iterable[Meeting], *, at: datetime
) -> bool:
    """Whether to introduce this member at `at`: seated after the overleg was planned (the
    table planned together knows each other from the start), and fewer than two meetings
    held since."""
    if member.joined_at <= series.created_at + NEWCOMER_GRACE:
        return False
    held_since = [
        meeting
        for meeting in meetings
        if meeting.status != MeetingStatus.CANCELLED
        and meeting.starts_at >= member.joined_at
        and meeting.ends_at <= at
    ]
    return len(held_since) < MEETINGS_AS_NEWCOMER


def meetings_of(session: Session, *, series_id: int) -> list[Meeting]:
    """The overleg's meetings, to count those held since someone joined."""
    return list(session.exec(select(Meeting).where(Meeting.series_id == series_id)).all())


def table_view(session: Session, *, series: MeetingSeries, day: date, now: datetime) -> TableView:
    """De tafel: chairs and secretary first, then per member organisation (with its coverage by
    the overleg's covenant today) its people; seven statements however large the table."""
    organisations = overleg_queries.member_organisations(session, series_id=series.id)
    rows = session.exec(
        select(SeriesMember, User, ContactCard)
        .join(User, col(SeriesMember.user_id) == User.id)
        .outerjoin(ContactCard, col(ContactCard.user_id) == User.id)
        .where(SeriesMember.series_id == series.id)
        .order_by(col(User.name))
    ).all()
    contacts = _with_deputies(session, [(user, card) for _, user, card in rows], day=day)
    meetings = meetings_of(session, series_id=series.id)
    seats = [
        Seat(member, contacts[user.id], is_newcomer(member, series, meetings, at=now))
        for member, user, _ in rows
    ]
    return TableView(
        series=series,
        leads=_leads(seats),
        organisations=_per_organisation(session, series, organisations, seats, day),
    )


def _leads(seats: list[Seat]) -> list[Seat]:
    """The chairs, then the secretary."""
    leads = [seat for seat in seats if seat.member.role != MemberRole.MEMBER]
    return sorted(leads, key=lambda seat: seat.member.role != MemberRole.CHAIR)


def _per_organisation(
    session: Session,
    series: MeetingSeries,
    organisations: Sequence[Organisation],
    seats: list[Seat],
    day: date,
) -> list[OrganisationAtTable]:
    # A member whose organisation has left the overleg still sits at the table: shown too.
    known = {organisation.id for organisation in organisations}
    extra = {s.contact.user.organisation.id: s.contact.user.organisation for s in seats}
    everyone = [*organisations, *sorted((o for i, o in extra.items() if i not in known), key=_name)]
    inputs = covenant_queries.coverage_inputs(
        session, covenant_ids=[series.covenant_id], organisation_ids=[o.id for o in everyone]
    )
    people = [coverage.Person(coverage.organisation_key(o.id), o.name, o.id) for o in everyone]
    answers = inputs.check(day, covenant_id=series.covenant_id, people=people)
    by_organisation: dict[int | None, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_organisation[seat.contact.user.organisation_id].append(seat)
    return [
        OrganisationAtTable(organisation, answer, by_organisation[organisation.id])
        for organisation, answer in zip(everyone, answers, strict=True)
    ]


def _name(organisation: Organisation) -> str:
    return organisation.name


def owner_contacts(
    session: Session, *, owners: Collection[OwnerKey], day: date
) -> dict[OwnerKey, list[Contact]]:
    """Whom to call about each casus: its owner's person, or else the owner organisation's
    people at the overleg's table (with vervangers where they are away); two statements."""
    owners = [owner for owner in owners if owner.organisation_id is not None]
    if not owners:
        return {}
    person_ids = {owner.user_id for owner in owners if owner.user_id is not None}
    series_ids = {owner.series_id for owner in owners if owner.user_id is None}
    rows = session.exec(
        select(User, ContactCard, SeriesMember.series_id)
        .outerjoin(ContactCard, col(ContactCard.user_id) == User.id)
        .outerjoin(
            SeriesMember,
            and_(
                col(SeriesMember.user_id) == User.id,
                col(SeriesMember.series_id).in_(series_ids),
            ),
        )
        .where(or_(col(User.id).in_(person_ids), col(SeriesMember.series_id).is_not(None)))
        .order_by(col(User.name))
    ).all()
    contacts = _with_deputies(session, [(user, card) for user, card, _ in rows], day=day)
    seated = {(series_id, user.id) for user, _, series_id in rows if series_id is not None}
    return {owner: _owner_people(owner, contacts, seated) for owner in owners}


def owner_contacts_by_case(
    session: Session, *, cases: Iterable[Case], day: date
) -> dict[int, list[Contact]]:
    """Whom to call about each of these casussen (which the viewer may see), by casus id."""
    keys = {case.id: OwnerKey.of(case) for case in cases if case.id is not None}
    contacts = owner_contacts(session, owners=set(keys.values()), day=day)
    return {case_id: contacts.get(key, []) for case_id, key in keys.items()}


def _owner_people(
    owner: OwnerKey, contacts: dict[int, Contact], seated: set[tuple[int, int | None]]
) -> list[Contact]:
    if owner.user_id is not None:
        return [contacts[owner.user_id]] if owner.user_id in contacts else []
    return [
        contact
        for user_id, contact in contacts.items()
        if (owner.series_id, user_id) in seated
        and contact.user.organisation_id == owner.organisation_id
        and contact.user.active
    ]


def newcomer_ids(session: Session, *, series: MeetingSeries, meeting: Meeting) -> set[int]:
    """Who to introduce at this meeting: members seated since the overleg was planned, with
    fewer than two meetings held since; two statements."""
    members = session.exec(select(SeriesMember).where(SeriesMember.series_id == series.id)).all()
    meetings = meetings_of(session, series_id=series.id)
    return {
        member.user_id
        for member in members
        if is_newcomer(member, series, meetings, at=meeting.starts_at)
    }
