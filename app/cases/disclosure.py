"""Inzage in identificerende gegevens (disclosure): the one door to the persons of a casus.

Who may see them is decided here (rule 2 of DOMAIN.md), they are decrypted only here, and every
showing is logged here, in the caller's transaction, committed before any identified byte
leaves: if the log cannot be written, nothing is shown (fail closed).

Rule 2: name, date of birth, BSN and address of a casus are shown to members of its overleg
whose organisation is covered by the overleg's covenant on the day in question (the meeting's
date for the live page and the verslag, today for the casus page), and to members of the
organisation that brought the casus: what it typed itself it keeps seeing, covered or not
(DOMAIN.md names the submitting organisation beside the covered members). A role (chair,
beheerder) gives no sight by itself.

Audit rule: one event per casus per view, with the ground as its context. A running meeting is
one view per user per casus: the live page, shown again in the same meeting, adds none.

The grounds, each one entry point: the casus page (`for_case_page`, including the "eerder
besproken" hint), its correction by the organisation that brought it (`for_correction`), the
live meeting (`for_live_meeting`), the verslag (`names_for_minutes`), a resident's rights request
handled by the FG (`find_for_rights_request`, `subject_for_rights_request`) and key rotation
(`rotate_keys`, which re-encrypts without showing anything to anyone).

A person whose stored data does not open (tampered with, copied from another row or field, or
under a key no longer configured) is shown as damaged (`DamagedPerson`) instead of failing the
page, and that is logged: an audit event with the casus id, a warning in the app log with ids
only, never a ciphertext or anything decrypted.
"""

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor, AuditEvent, Outcome
from app.cases.models import Case, CasePerson, person_row
from app.cases.service import REPEAT_WINDOW
from app.covenants import queries as covenant_queries
from app.overleg.access import SeriesAccess
from app.overleg.models import SeriesMember
from app.security import permissions
from app.security.crypto import UNREADABLE, CaseCrypto
from app.users.models import User

logger = logging.getLogger("casustafel.disclosure")

READ = "casus.identificerend.ingezien"
SEARCHED = "avg-verzoek.persoon.gezocht"
DAMAGED = "casus.gegevens.beschadigd"
DAMAGED_TEXT = (
    "De gegevens van deze persoon zijn beschadigd en kunnen niet worden getoond. "
    "Meld dit bij de functioneel beheerder."
)
DAMAGED_NAME = "[gegevens beschadigd]"
PERSON_FIELDS = {
    "name_encrypted": "naam",
    "birth_date_encrypted": "geboortedatum",
    "bsn_encrypted": "bsn",
    "address_encrypted": "adres",
}


class Ground(StrEnum):
    """Why identified data is read; stored as the audit event's context."""

    CASE_PAGE = "casuspagina"
    CORRECTION = "casus corrigeren"
    LIVE_MEETING = "live bijeenkomst"
    MINUTES = "verslag"
    KEY_ROTATION = "sleutelrotatie"
    RIGHTS_REQUEST = "avg-verzoek"


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: date
    bsn: str | None
    address: str
    damaged: ClassVar[bool] = False


@dataclass(frozen=True)
class DamagedPerson:
    """A person whose stored data cannot be opened: shown as such, with nothing of it."""

    damaged: ClassVar[bool] = True
    message: ClassVar[str] = DAMAGED_TEXT


Shown = Person | DamagedPerson


@dataclass(frozen=True)
class Viewer:
    """Who asks, at which table, and whether their organisation is covered on the day."""

    user: User
    membership: SeriesMember | None
    covered: bool
    day: date


def viewer(session: Session, *, access: SeriesAccess, day: date) -> Viewer:
    """The current user as a viewer of this overleg's casussen on the day (one lookup of the
    coverage of their organisation)."""
    covered = covenant_queries.organisation_covered(
        session,
        covenant_id=access.series.covenant_id,
        organisation_id=access.user.organisation_id,
        day=day,
    )
    return Viewer(access.user, access.membership, covered, day)


def may_see(viewer: Viewer, case: Case) -> bool:
    """Rule 2: may this viewer see the persons of this casus on the viewer's day?"""
    return case.identified and permissions.can_see_identified(
        viewer.user,
        viewer.membership,
        covered=viewer.covered,
        submitting_organisation_id=case.submitting_organisation_id,
    )


@dataclass(frozen=True)
class EarlierCase:
    """The earlier casus about the same person ("eerder besproken")."""

    case: Case
    last_discussed_on: date | None
    is_repeat: bool


@dataclass(frozen=True)
class CaseDisclosure:
    """What the casus page may show of the persons: the persons (None when hidden or
    anonymised) and the earlier casus about them (None when there is none, or it may not be
    known: the page looks the same either way)."""

    people: list[Shown] | None
    hidden: bool
    earlier: EarlierCase | None


def for_case_page(
    session: Session,
    *,
    access: SeriesAccess,
    case: Case,
    crypto: CaseCrypto,
    actor: Actor,
    day: date,
) -> CaseDisclosure:
    """The persons of the casus and the earlier casus about them, for whoever may see both;
    each showing logged and committed before it is returned."""
    if not case.identified:
        return CaseDisclosure(people=None, hidden=False, earlier=None)
    who = viewer(session, access=access, day=day)
    if not may_see(who, case):
        return CaseDisclosure(people=None, hidden=True, earlier=None)
    earlier = _earlier(session, who, case, day)
    shown = [case] + ([earlier.case] if earlier else [])
    people = _reveal(session, shown, crypto, actor, Ground.CASE_PAGE, {"pagina_van": case.id})
    return CaseDisclosure(people=people[case.id], hidden=False, earlier=earlier)


def for_correction(
    session: Session,
    *,
    access: SeriesAccess,
    case: Case,
    crypto: CaseCrypto,
    actor: Actor,
    day: date,
) -> list[Shown]:
    """The persons of the casus, to fill in its correction form (none for a viewer who may not
    see them); the read is logged and committed before they are returned."""
    if not case.identified or not may_see(viewer(session, access=access, day=day), case):
        return []
    return _reveal(session, [case], crypto, actor, Ground.CORRECTION, {})[case.id]


def _earlier(session: Session, who: Viewer, case: Case, day: date) -> EarlierCase | None:
    """The earlier casus, only for a viewer who may see its persons too: anyone else gets no
    answer, the same whether or not there is one."""
    if case.repeat_of_case_id is None:
        return None
    earlier = session.get(Case, case.repeat_of_case_id)
    if earlier is None or not may_see(who, earlier):
        return None
    last = earlier.last_discussed_on
    return EarlierCase(earlier, last, last is not None and day - last <= REPEAT_WINDOW)


def for_live_meeting(
    session: Session,
    *,
    access: SeriesAccess,
    meeting_id: int,
    day: date,
    cases: Sequence[Case],
    crypto: CaseCrypto,
    actor: Actor,
) -> dict[int, list[Shown]]:
    """The persons of the casussen on the live page that are not discussed anonymously and
    that the chair may see; a casus is logged once per user per meeting."""
    who = viewer(session, access=access, day=day)
    shown = [case for case in cases if may_see(who, case)]
    return _reveal(session, shown, crypto, actor, Ground.LIVE_MEETING, {"bijeenkomst": meeting_id})


def names_for_minutes(
    session: Session,
    *,
    access: SeriesAccess,
    day: date,
    cases: Sequence[Case],
    crypto: CaseCrypto,
    actor: Actor,
) -> dict[int, list[str]]:
    """The names (and nothing else of the persons) of these casussen for the verslag about to
    be shown, to a reader who passed its access check; each casus named is logged. Names are
    in a verslag only when everyone who may get it is covered on the meeting day (its readers
    are covered attendees, chairs and beheerders whose organisations are covered, and for an
    uittreksel the organisation that brought the casus), so the reader's coverage is known.
    A damaged person is named DAMAGED_NAME."""
    who = Viewer(access.user, access.membership, covered=True, day=day)
    shown = [case for case in cases if may_see(who, case)]
    people = _reveal(session, shown, crypto, actor, Ground.MINUTES, {})
    return {
        case_id: [p.name if isinstance(p, Person) else DAMAGED_NAME for p in persons]
        for case_id, persons in people.items()
    }


@dataclass(frozen=True)
class Subject:
    """The person a rights request is about, as blind indexes only (exact matches)."""

    bsn_index: str | None
    name_birth_index: str | None


def subject_from(
    crypto: CaseCrypto, *, bsn: str | None, name: str | None, birth_date: date | None
) -> Subject:
    """The blind indexes of what the FG typed, made the way a casus' persons are indexed."""
    named = name and birth_date
    return Subject(
        bsn_index=crypto.blind_index("bsn", bsn) if bsn else None,
        name_birth_index=crypto.blind_index(
            "naam-geboortedatum", f"{name}|{birth_date.isoformat()}"
        )
        if named and birth_date
        else None,
    )


def _subject_rows(session: Session, subject: Subject) -> list[CasePerson]:
    matches = [
        col(CasePerson.bsn_index) == subject.bsn_index if subject.bsn_index else None,
        col(CasePerson.name_birth_index) == subject.name_birth_index
        if subject.name_birth_index
        else None,
    ]
    conditions = [match for match in matches if match is not None]
    if not conditions:
        return []
    return list(
        session.exec(
            select(CasePerson)
            .where(or_(*conditions))
            .order_by(col(CasePerson.case_id), col(CasePerson.position))
        ).all()
    )


@dataclass(frozen=True)
class FoundCase:
    """A casus about the subject of a rights request, and which of its persons that is."""

    case: Case
    positions: list[int]


def find_for_rights_request(
    session: Session, *, request_id: int, subject: Subject, actor: Actor
) -> list[FoundCase]:
    """The casussen about the person a rights request is about (the FG sees reference and
    pseudonym); each search, and each showing of its result, is logged with its request and
    committed before returning."""
    positions: dict[int, list[int]] = {}
    for row in _subject_rows(session, subject):
        positions.setdefault(row.case_id, []).append(row.position)
    cases = session.exec(
        select(Case).where(col(Case.id).in_(list(positions))).order_by(col(Case.submitted_at))
    ).all()
    audit.record(
        session,
        action=SEARCHED,
        actor=actor,
        object_type="avg-verzoek",
        object_id=request_id,
        context=Ground.RIGHTS_REQUEST,
        detail={
            "gezocht_op": "bsn" if subject.bsn_index else "naam en geboortedatum",
            "casussen": sorted(positions),
        },
    )
    _commit_keeping_objects(session)
    return [FoundCase(case, positions[case.id]) for case in cases if case.id is not None]


@dataclass(frozen=True)
class SubjectPerson:
    """One stored person row that is the request's subject, opened."""

    case_id: int
    position: int
    shown: Shown


def subject_for_rights_request(
    session: Session, *, request_id: int, subject: Subject, crypto: CaseCrypto, actor: Actor
) -> list[SubjectPerson]:
    """The stored persons that are the subject of a rights request (and no one else of their
    casussen), for the inzage-overzicht or a rectification; one read per casus logged with the
    request, committed before they are returned."""
    rows = _subject_rows(session, subject)
    found = [SubjectPerson(row.case_id, row.position, _decrypt(crypto, row)) for row in rows]
    audit.record_many(
        session,
        action=READ,
        actor=actor,
        object_type="casus",
        object_ids=list(dict.fromkeys(row.case_id for row in rows)),
        context=Ground.RIGHTS_REQUEST,
        detail={"verzoek": request_id},
    )
    _commit_keeping_objects(session)
    return found


def _commit_keeping_objects(session: Session) -> None:
    # Committed without expiring what the page is about to show (no reload per object).
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _reveal(
    session: Session,
    cases: Sequence[Case],
    crypto: CaseCrypto,
    actor: Actor,
    ground: Ground,
    detail: dict[str, int],
) -> dict[int, list[Shown]]:
    """Decrypt the persons of these casussen in one query, log one read per casus (and one
    damage report per casus with a damaged person; neither again when the same view already
    logged it) and commit, before anything is shown."""
    case_ids = list(dict.fromkeys(case.id for case in cases if case.id is not None))
    if not case_ids:
        return {}
    rows = session.exec(
        select(CasePerson)
        .where(col(CasePerson.case_id).in_(case_ids))
        .order_by(col(CasePerson.case_id), col(CasePerson.position))
    ).all()
    people: dict[int, list[Shown]] = {case_id: [] for case_id in case_ids}
    for row in rows:
        people[row.case_id].append(_decrypt(crypto, row))
    unlogged = _not_yet_logged(session, case_ids, actor, ground, detail, READ)
    audit.record_many(
        session,
        action=READ,
        actor=actor,
        object_type="casus",
        object_ids=unlogged,
        context=ground,
        detail=detail,
    )
    damaged = [case_id for case_id, shown in people.items() if any(p.damaged for p in shown)]
    if damaged:
        audit.record_many(
            session,
            action=DAMAGED,
            actor=actor,
            outcome=Outcome.FAILURE,
            object_type="casus",
            object_ids=_not_yet_logged(session, damaged, actor, ground, detail, DAMAGED),
            context=ground,
            detail=detail,
        )
    _commit_keeping_objects(session)
    return people


def _not_yet_logged(
    session: Session,
    case_ids: list[int],
    actor: Actor,
    ground: Ground,
    detail: dict[str, int],
    action: str,
) -> list[int]:
    """In a running meeting a casus counts as read (or found damaged) once per user: the ids
    not logged yet with this action."""
    if ground != Ground.LIVE_MEETING or actor.user is None:
        return case_ids
    logged = set(
        session.exec(
            select(AuditEvent.object_id).where(
                AuditEvent.action == action,
                AuditEvent.actor_user_id == actor.user.id,
                AuditEvent.context == ground,
                AuditEvent.detail == json.dumps(detail, sort_keys=True),
                col(AuditEvent.object_id).in_([str(case_id) for case_id in case_ids]),
            )
        ).all()
    )
    return [case_id for case_id in case_ids if str(case_id) not in logged]


def _open(crypto: CaseCrypto, row: CasePerson, fields: Sequence[str]) -> dict[str, str]:
    """The plaintext of these fields of the row (the ones that hold a value); raises one of
    UNREADABLE for a value that does not open here, and says so in the app log (ids only)."""
    binding = person_row(row.case_id, row.position)
    opened = {}
    for field in fields:
        token = getattr(row, field)
        if not token:
            continue
        try:
            opened[field] = crypto.cipher.decrypt(token, purpose=PERSON_FIELDS[field], row=binding)
        except UNREADABLE as error:
            logger.warning(
                "Persoon %s van casus %s: veld %s kan niet worden ontsleuteld (%s)",
                row.id,
                row.case_id,
                PERSON_FIELDS[field],
                type(error).__name__,
            )
            raise
    return opened


def _decrypt(crypto: CaseCrypto, row: CasePerson) -> Shown:
    try:
        plain = _open(crypto, row, list(PERSON_FIELDS))
    except UNREADABLE:
        return DamagedPerson()
    return Person(
        name=plain["name_encrypted"],
        birth_date=date.fromisoformat(plain["birth_date_encrypted"]),
        bsn=plain.get("bsn_encrypted"),
        address=plain["address_encrypted"],
    )


def _stale(crypto: CaseCrypto, person: CasePerson) -> list[str]:
    """The fields of the person that hold a value not in the current format or key."""
    return [
        field
        for field in PERSON_FIELDS
        if getattr(person, field) and not crypto.cipher.is_current(getattr(person, field))
    ]


def rotate_keys(session: Session, *, crypto: CaseCrypto, actor: Actor) -> int:
    """Re-encrypt every identifying field not in the current format under the newest key, in
    one transaction; shows nothing to anyone, and is logged as one event. A person with a value
    that does not open is left as it is (counted in the event; `not_rotated` finds it). Returns
    the persons changed."""
    changed = unreadable = 0
    for person in session.exec(select(CasePerson)).all():
        stale = _stale(crypto, person)
        if not stale:
            continue
        try:
            plain = _open(crypto, person, stale)
        except UNREADABLE:
            unreadable += 1
            continue
        binding = person_row(person.case_id, person.position)
        for field, value in plain.items():
            sealed = crypto.cipher.encrypt(value, purpose=PERSON_FIELDS[field], row=binding)
            setattr(person, field, sealed)
        session.add(person)
        changed += 1
    audit.record(
        session,
        action="sleutels.geroteerd",
        actor=actor,
        context=Ground.KEY_ROTATION,
        detail={"personen": changed, "onleesbaar": unreadable},
    )
    session.commit()
    return changed


def not_rotated(session: Session, *, crypto: CaseCrypto) -> int:
    """How many persons still hold a value in an old format or under an old key (without
    decrypting anything): after `rotate_keys`, the ones whose data does not open."""
    return sum(1 for person in session.exec(select(CasePerson)).all() if _stale(crypto, person))
