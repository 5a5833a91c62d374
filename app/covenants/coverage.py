"""Dekking (coverage): who at the table is covered by the covenant on a day, and why (not).

Pure functions over data the caller loaded: no database, no HTTP, no clock.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.covenants.models import CovenantSignature, CovenantVersion
from app.dates import short_date

EXPIRY_WARNING_DAYS = 60


class NotCoveredReason(StrEnum):
    NOT_SIGNED = "niet ondertekend"
    WITHDRAWN = "ingetrokken"
    NOT_YET_IN_FORCE = "nog niet van kracht"
    EXPIRED = "verlopen"
    NO_ORGANISATION = "geen organisatie"


REASON_EXPLANATIONS = {
    NotCoveredReason.NOT_SIGNED: "De organisatie heeft het convenant niet ondertekend.",
    NotCoveredReason.WITHDRAWN: "De organisatie heeft haar ondertekening ingetrokken.",
    NotCoveredReason.NOT_YET_IN_FORCE: "Het convenant is op deze datum nog niet van kracht.",
    NotCoveredReason.EXPIRED: "Het convenant is op deze datum verlopen.",
    NotCoveredReason.NO_ORGANISATION: (
        "Deze persoon hoort niet bij een organisatie die het convenant kan ondertekenen."
    ),
}


@dataclass(frozen=True)
class Person:
    """Someone at (or expected at) the table: a user, or a guest without an account."""

    key: str
    name: str
    organisation_id: int | None


def member_key(user_id: int) -> str:
    """How a user is known to the coverage check."""
    return f"gebruiker:{user_id}"


def guest_key(attendance_id: int) -> str:
    """How a guest at the table (an attendance row without an account) is known to it."""
    return f"gast:{attendance_id}"


def organisation_key(organisation_id: int) -> str:
    """How an organisation as a whole is known to it."""
    return f"organisatie:{organisation_id}"


@dataclass(frozen=True)
class Declaration:
    """A geheimhoudingsverklaring this person signed for the meeting in question."""

    person_key: str
    text_version: int
    signed_at: datetime


@dataclass(frozen=True)
class Coverage:
    """The answer for one person: covered and on what ground, or not and why."""

    person: Person
    signature: CovenantSignature | None = None
    declaration: Declaration | None = None
    reason: NotCoveredReason | None = None

    @property
    def covered(self) -> bool:
        return self.signature is not None or self.declaration is not None

    @property
    def explanation(self) -> str:
        """The ground or the reason, in Dutch."""
        if self.signature is not None:
            return f"Gedekt door de ondertekening van {short_date(self.signature.signed_on)}."
        if self.declaration is not None:
            return (
                "Gedekt door een geheimhoudingsverklaring voor deze bijeenkomst "
                f"(tekstversie {self.declaration.text_version})."
            )
        assert self.reason is not None
        return REASON_EXPLANATIONS[self.reason]


def _covenant_not_in_force_reason(
    day: date, versions: Sequence[CovenantVersion]
) -> NotCoveredReason:
    if any(version.in_force_from > day for version in versions):
        return NotCoveredReason.NOT_YET_IN_FORCE
    return NotCoveredReason.EXPIRED


def _organisation_coverage(
    day: date,
    organisation_id: int,
    in_force: Sequence[CovenantVersion],
    signatures: Sequence[CovenantSignature],
) -> CovenantSignature | NotCoveredReason:
    version_ids = {version.id for version in in_force}
    own = [
        signature
        for signature in signatures
        if signature.organisation_id == organisation_id and signature.version_id in version_ids
    ]
    valid = [signature for signature in own if signature.valid_on(day)]
    if valid:
        return max(valid, key=lambda signature: signature.signed_on)
    withdrawn = any(s.withdrawn_on is not None and s.withdrawn_on <= day for s in own)
    return NotCoveredReason.WITHDRAWN if withdrawn else NotCoveredReason.NOT_SIGNED


def coverage_on(
    day: date,
    *,
    versions: Sequence[CovenantVersion],
    signatures: Sequence[CovenantSignature],
    people: Iterable[Person],
    declarations: Iterable[Declaration] = (),
) -> list[Coverage]:
    """Per person: covered by a valid signature of their organisation on a version in force
    that day, or by a declaration for the meeting; otherwise the reason they are not."""
    declared = {declaration.person_key: declaration for declaration in declarations}
    in_force = [version for version in versions if version.in_force_on(day)]
    answers = []
    for person in people:
        outcome: CovenantSignature | NotCoveredReason
        if person.organisation_id is None:
            outcome = NotCoveredReason.NO_ORGANISATION
        elif not in_force:
            outcome = _covenant_not_in_force_reason(day, versions)
        else:
            outcome = _organisation_coverage(day, person.organisation_id, in_force, signatures)
        if isinstance(outcome, CovenantSignature):
            answers.append(Coverage(person=person, signature=outcome))
        elif person.key in declared:
            answers.append(Coverage(person=person, declaration=declared[person.key]))
        else:
            answers.append(Coverage(person=person, reason=outcome))
    return answers


def organisations_without_signature(
    day: date,
    *,
    versions: Sequence[CovenantVersion],
    signatures: Sequence[CovenantSignature],
    organisation_ids: Iterable[int],
) -> list[int]:
    """The organisations that are not covered on the day (in the order given)."""
    people = [
        Person(key=organisation_key(oid), name="", organisation_id=oid) for oid in organisation_ids
    ]
    answers = coverage_on(day, versions=versions, signatures=signatures, people=people)
    return [
        answer.person.organisation_id
        for answer in answers
        if not answer.covered and answer.person.organisation_id is not None
    ]


def expiring_versions(
    today: date, *, versions: Sequence[CovenantVersion], within_days: int = EXPIRY_WARNING_DAYS
) -> list[CovenantVersion]:
    """Versions in force today that end within the coming days with no version of the same
    covenant taking over the day after."""
    horizon = today + timedelta(days=within_days)
    expiring = []
    for version in versions:
        end = version.in_force_until
        if end is None or not version.in_force_on(today) or end > horizon:
            continue
        successor = any(
            other.covenant_id == version.covenant_id and other.in_force_on(end + timedelta(days=1))
            for other in versions
        )
        if not successor:
            expiring.append(version)
    return expiring


def anonymous_items(
    identified_items: Iterable[int],
    *,
    uncovered_present: set[int],
    left_room: Mapping[int, set[int]],
) -> set[int]:
    """Rule 2 in the room: of the agenda items about an identified casus, those discussed
    anonymously because someone uncovered is present (attendance ids) and has not left the room
    for that item."""
    return {item for item in identified_items if uncovered_present - left_room.get(item, set())}
