"""Use cases for casussen: submit, correct or withdraw, accept late, identify or anonymise, owner,
escalate, close."""

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app import audit
from app.agenda.models import AgendaItem, AgendaItemKind
from app.audit import Actor
from app.cases.models import (
    ENDED,
    AnonymisedFields,
    Case,
    CaseBase,
    CaseEvent,
    CasePerson,
    CaseStatus,
    CaseSubmission,
    EscalationBody,
    IdentifiedFields,
    PersonData,
    person_row,
)
from app.db import utcnow
from app.errors import DomainError, MeetingClosed
from app.minutes import retention as minutes_retention
from app.minutes.retention import Replacement
from app.organisations.models import Organisation
from app.overleg.models import (
    CLOSED,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    SeriesKind,
    SeriesOrganisation,
)
from app.security.crypto import CaseCrypto
from app.users.models import User

PREFIXES = {
    SeriesKind.INTEGRAL: "IO",
    SeriesKind.MULTIDISCIPLINARY: "MDO",
    SeriesKind.CASE_MEETING: "CO",
}
OPEN_MEETINGS = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN)
REPEAT_WINDOW = timedelta(days=365)


def case_by_id(session: Session, *, case_id: int) -> Case:
    """A casus that must exist (it is referenced by an agenda item)."""
    case = session.get(Case, case_id)
    assert case is not None
    return case


def note(
    session: Session, case: Case, description: str, *, by: Actor, meeting_id: int | None = None
) -> None:
    """Add a line to the casus' timeline (never identifying data)."""
    session.add(
        CaseEvent(
            case_id=case.id,
            description=description,
            meeting_id=meeting_id,
            user_id=by.user.id if by.user else None,
        )
    )


def _reference(session: Session, series: MeetingSeries, year: int) -> tuple[int, str]:
    # Two submissions at once must not draw the same number: on PostgreSQL they queue on a lock.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 100_000 + series.id})
    last = session.exec(
        select(func.max(Case.number)).where(Case.series_id == series.id, Case.year == year)
    ).one()
    number = (last or 0) + 1
    return number, f"{PREFIXES[series.kind]}-{year}-{number:03d}"


def _encrypted(crypto: CaseCrypto, case_id: int, position: int, person: PersonData) -> CasePerson:
    row = person_row(case_id, position)

    def seal(value: str, purpose: str) -> str:
        return crypto.cipher.encrypt(value, purpose=purpose, row=row)

    birth = person.birth_date.isoformat()
    return CasePerson(
        case_id=case_id,
        position=position,
        name_encrypted=seal(person.name, "naam"),
        birth_date_encrypted=seal(birth, "geboortedatum"),
        bsn_encrypted=seal(person.bsn, "bsn") if person.bsn else None,
        address_encrypted=seal(person.address, "adres"),
        bsn_index=crypto.blind_index("bsn", person.bsn) if person.bsn else None,
        name_birth_index=crypto.blind_index("naam-geboortedatum", f"{person.name}|{birth}"),
    )


def _earlier_case(
    session: Session, series_id: int, people: Sequence[CasePerson], case_id: int
) -> Case | None:
    """The most recent other casus of this overleg about one of these people (blind index)."""
    bsn = [p.bsn_index for p in people if p.bsn_index]
    names = [p.name_birth_index for p in people]
    return session.exec(
        select(Case)
        .join(CasePerson)
        .where(
            Case.series_id == series_id,
            Case.id != case_id,
            col(CasePerson.bsn_index).in_(bsn) | col(CasePerson.name_birth_index).in_(names),
        )
        .order_by(col(Case.submitted_at).desc())
    ).first()


def _store_people(
    session: Session, case: Case, people: Sequence[PersonData], crypto: CaseCrypto
) -> None:
    """Store the persons of the casus encrypted, and link it to an earlier casus about one of
    them (found by blind index)."""
    rows = [_encrypted(crypto, case.id, n, p) for n, p in enumerate(people, start=1)]
    session.add_all(rows)
    earlier = _earlier_case(session, case.series_id, rows, case.id) if rows else None
    case.repeat_of_case_id = earlier.id if earlier else None


def _delete_people(session: Session, case: Case) -> None:
    session.execute(delete(CasePerson).where(col(CasePerson.case_id) == case.id))


def _erase_people(session: Session, case: Case) -> None:
    """Delete the persons of the casus for good, with what was recorded about sharing them and
    the link to an earlier casus about them."""
    _delete_people(session, case)
    case.sqlmodel_update(
        {"identified": False, "consent": None, "legal_basis": None, "repeat_of_case_id": None}
    )


def _check_meeting(session: Session, series: MeetingSeries, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id != series.id:
        raise DomainError("Kies een bijeenkomst van dit overleg.", field="meeting_id")
    if meeting.status not in OPEN_MEETINGS or meeting.starts_at <= utcnow():
        raise DomainError(
            "Voor deze bijeenkomst kan geen casus meer worden ingebracht; "
            "kies een komende bijeenkomst.",
            field="meeting_id",
        )
    return meeting


def _check_kind(
    identified: bool,
    people: Sequence[PersonData],
    details: IdentifiedFields | AnonymisedFields | None,
) -> None:
    if identified and not people:
        raise DomainError(
            "Vul voor een geïdentificeerde casus minstens één persoon in.", field="person-1-name"
        )
    if identified and not isinstance(details, IdentifiedFields):
        raise DomainError(
            "Kies de toestemming en de grondslag voor het delen.", field="legal_basis"
        )
    if not identified and not isinstance(details, AnonymisedFields):
        raise DomainError(
            "Kies een leeftijdscategorie en beschrijf de situatie.", field="situation"
        )


def put_on_agenda(session: Session, case: Case, *, late: bool) -> AgendaItem:
    """Add the casus to its meeting's agenda as a new casus."""
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == case.meeting_id)
    ).one()
    item = AgendaItem(
        meeting_id=case.meeting_id,
        position=(last or 0) + 1,
        case_id=case.id,
        kind=AgendaItemKind.NEW_CASE,
        title=f"{case.reference} {case.pseudonym}",
        late=late,
    )
    session.add(item)
    return item


def submit_case(
    session: Session,
    *,
    series: MeetingSeries,
    data: CaseSubmission,
    people: Sequence[PersonData],
    details: IdentifiedFields | AnonymisedFields | None,
    crypto: CaseCrypto,
    by: Actor,
    today: date,
) -> Case:
    """Bring a casus to a coming meeting; after the agenda deadline it waits for the chair."""
    assert by.user is not None
    meeting = _check_meeting(session, series, data.meeting_id)
    _check_kind(data.identified, people, details)
    number, reference = _reference(session, series, today.year)
    late = today > meeting.agenda_deadline
    case = Case.model_validate(
        data.model_dump() | (details.model_dump() if details else {}),
        update={
            "series_id": series.id,
            "reference": reference,
            "year": today.year,
            "number": number,
            "categories": "|".join(data.categories),
            "late": late,
            "accepted": not late,
            "submitting_organisation_id": by.user.organisation_id,
            "submitted_by_user_id": by.user.id,
        },
    )
    session.add(case)
    session.flush()
    _store_people(session, case, people, crypto)
    if not late:
        put_on_agenda(session, case, late=False)
    note(
        session,
        case,
        "Aangemeld" + (" na de agendadeadline" if late else ""),
        by=by,
        meeting_id=meeting.id,
    )
    audit.record(
        session,
        action="casus.aangemeld",
        actor=by,
        object_type="casus",
        object_id=case.id,
        detail={"geidentificeerd": case.identified, "te_laat": late},
    )
    session.commit()
    return case


CORRECTABLE_FIELDS = {
    "pseudonym": "pseudoniem",
    "categories": "categorieën",
    "children_involved": "kinderen betrokken",
    "urgency": "urgentie",
    "reason": "aanleiding",
    "question": "hulpvraag",
    "done_so_far": "al gedaan",
    "involved_organisations": "betrokken organisaties",
    "consent": "toestemming",
    "legal_basis": "grondslag",
    "age_band": "leeftijdscategorie",
    "situation": "situatie",
}


def check_open_to_change(session: Session, *, case: Case, change: str) -> None:
    """What its submitter may still change (`change`: 'gecorrigeerd', 'ingetrokken'): a casus
    that has not ended, and is not on an agenda that is frozen (or further along)."""
    _check_not_ended(case)
    on_agenda = select(AgendaItem.meeting_id).where(AgendaItem.case_id == case.id)
    statuses = session.exec(
        select(Meeting.status).where(
            (Meeting.id == case.meeting_id) | col(Meeting.id).in_(on_agenda)
        )
    ).all()
    if any(status != MeetingStatus.PLANNED for status in statuses):
        raise DomainError(
            f"De agenda van de bijeenkomst is al vastgesteld: de casus kan niet meer worden "
            f"{change}. Neem contact op met de voorzitter."
        )


def _check_not_ended(case: Case) -> None:
    if case.status in ENDED:
        raise DomainError(f"Deze casus is {case.status}.")


def _check_not_withdrawn(case: Case) -> None:
    if case.status == CaseStatus.WITHDRAWN:
        raise DomainError("Deze casus is ingetrokken.")


def correct(
    session: Session,
    *,
    case: Case,
    data: CaseBase,
    people: Sequence[PersonData],
    details: IdentifiedFields | AnonymisedFields,
    crypto: CaseCrypto,
    by: Actor,
) -> Case:
    """The submitting organisation corrects its casus until the agenda is frozen: what it
    typed is replaced (the persons too); kind, meeting and reference stay."""
    check_open_to_change(session, case=case, change="gecorrigeerd")
    _check_kind(case.identified, people, details)
    values = data.model_dump() | details.model_dump() | {"categories": "|".join(data.categories)}
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    case.sqlmodel_update(values)
    if case.identified:
        _delete_people(session, case)
        _store_people(session, case, people, crypto)
    for item in session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).all():
        item.title = f"{case.reference} {case.pseudonym}"
        session.add(item)
    labels = ", ".join(CORRECTABLE_FIELDS[name] for name in changed)
    description = "Gecorrigeerd" + (f": {labels}" if labels else "")
    detail = {"velden": changed, "personen": len(people)}
    _log(session, case, description, "casus.gecorrigeerd", by, detail=detail)
    return _done(session, case)


def withdraw(session: Session, *, case: Case, by: Actor) -> Case:
    """The submitting organisation withdraws its casus until the agenda is frozen: it goes off
    the agenda and its persons are erased for good; the casus and its timeline stay."""
    check_open_to_change(session, case=case, change="ingetrokken")
    session.execute(delete(AgendaItem).where(col(AgendaItem.case_id) == case.id))
    _erase_people(session, case)
    case.status = CaseStatus.WITHDRAWN
    _log(
        session,
        case,
        "Ingetrokken; de persoonsgegevens zijn gewist",
        "casus.ingetrokken",
        by,
        meeting_id=case.meeting_id,
    )
    return _done(session, case)


def accept_late(session: Session, *, case: Case, by: Actor) -> Case:
    """The chair takes a late casus onto the agenda after all (marked as late)."""
    _check_not_withdrawn(case)
    if case.accepted:
        raise DomainError("Deze casus staat al op de agenda.")
    case.accepted = True
    session.add(case)
    put_on_agenda(session, case, late=True)
    _log(session, case, "Te late aanmelding geaccepteerd", "casus.geaccepteerd", by)
    return _done(session, case)


def move_to_next_meeting(session: Session, *, case: Case, by: Actor) -> Case:
    """The chair moves a late casus to the next meeting, where it is on time."""
    _check_not_withdrawn(case)
    current = session.get(Meeting, case.meeting_id)
    assert current is not None
    following = session.exec(
        select(Meeting)
        .where(
            Meeting.series_id == case.series_id,
            Meeting.starts_at > current.starts_at,
            col(Meeting.status).in_(OPEN_MEETINGS),
        )
        .order_by(col(Meeting.starts_at))
    ).first()
    if following is None:
        raise DomainError("Er is geen volgende bijeenkomst gepland.")
    case.meeting_id, case.accepted, case.late = following.id, True, False
    session.add(case)
    put_on_agenda(session, case, late=False)
    _log(
        session,
        case,
        "Doorgeschoven naar de volgende bijeenkomst",
        "casus.doorgeschoven",
        by,
        meeting_id=following.id,
    )
    return _done(session, case)


def _log(
    session: Session,
    case: Case,
    description: str,
    action: str,
    by: Actor,
    meeting_id: int | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    case.version += 1
    session.add(case)
    note(session, case, description, by=by, meeting_id=meeting_id)
    audit.record(
        session, action=action, actor=by, object_type="casus", object_id=case.id, detail=detail
    )


def _done(session: Session, case: Case) -> Case:
    session.commit()
    return case


def identify(
    session: Session,
    *,
    case: Case,
    people: Sequence[PersonData],
    details: IdentifiedFields,
    reason: str,
    crypto: CaseCrypto,
    by: Actor,
) -> Case:
    """Make an anonymised casus identified, with the legal basis for it and a reason."""
    _check_not_withdrawn(case)
    if case.identified:
        raise DomainError("Deze casus is al geïdentificeerd.")
    if not people:
        raise DomainError("Vul minstens één persoon in.", field="person-1-name")
    _store_people(session, case, people, crypto)
    case.sqlmodel_update(
        details.model_dump() | {"identified": True, "age_band": None, "situation": ""}
    )
    _log(
        session,
        case,
        f"Geïdentificeerd: {reason}",
        "casus.geidentificeerd",
        by,
        detail={"grondslag": details.legal_basis},
    )
    return _done(session, case)


def anonymise(
    session: Session,
    *,
    case: Case,
    details: AnonymisedFields,
    reason: str,
    verslag: Replacement,
    on: date,
    by: Actor,
) -> Case:
    """Remove every identifying field of a casus for good, keeping age band and situation; the
    stored verslag versions that name it give way to the redacted ones in `verslag` (rendered
    by flows.anonymise), as after a bewaartermijn."""
    if not case.identified:
        raise DomainError("Deze casus is al geanonimiseerd.")
    try:
        minutes_retention.open_purge_path(session)
        _erase_people(session, case)
        minutes_retention.replace_named(session, replacement=verslag, on=on)
        minutes_retention.close_purge_path(session)
    except IntegrityError as exc:
        session.rollback()
        raise DomainError(
            "Een verslag waarin deze casus staat is zojuist gecorrigeerd; er is niets "
            "gewijzigd. Probeer het opnieuw."
        ) from exc
    case.sqlmodel_update(details.model_dump())
    numbers = [version.number for version in verslag.named]
    detail: dict[str, object] | None = {"verslagversies": numbers} if numbers else None
    _log(session, case, f"Geanonimiseerd: {reason}", "casus.geanonimiseerd", by, detail=detail)
    return _done(session, case)


def set_owner(
    session: Session,
    *,
    case: Case,
    organisation_id: int,
    user_id: int | None,
    by: Actor,
    seen: str | None = None,
) -> Case:
    """Make an organisation (and optionally a person of it) casus-eigenaar; with `seen` (the
    owner the form showed, see `owner_key`) a change made by someone else meanwhile is refused
    rather than overwritten unseen."""
    if seen is not None and seen != owner_key(case):
        raise DomainError(
            "Iemand anders heeft de casus-eigenaar intussen gewijzigd; kijk het na en sla "
            "opnieuw op.",
            field="owner_organisation_id",
        )
    _check_not_withdrawn(case)
    new_organisation = organisation_id != case.owner_organisation_id
    if seen is not None and new_organisation and user_id == case.owner_user_id:
        user_id = None  # the person still chosen was the former owner's
    at_table = session.exec(
        select(SeriesOrganisation.id).where(
            SeriesOrganisation.series_id == case.series_id,
            SeriesOrganisation.organisation_id == organisation_id,
        )
    ).first()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or at_table is None:
        raise DomainError("Kies een organisatie die aan tafel zit.", field="owner_organisation_id")
    person = session.get(User, user_id) if user_id else None
    if user_id and (person is None or person.organisation_id != organisation_id):
        raise DomainError(
            "Deze persoon hoort niet bij de gekozen organisatie.", field="owner_user_id"
        )
    case.owner_organisation_id, case.owner_user_id = organisation_id, user_id
    if case.status == CaseStatus.SUBMITTED:
        case.status = CaseStatus.IN_PROGRESS
    owner = organisation.name + (f" ({person.name})" if person else "")
    _log(session, case, f"Casus-eigenaar: {owner}", "casus.eigenaar", by)
    return _done(session, case)


def owner_key(case: Case) -> str:
    """The owner as a form remembers it, to notice a change made meanwhile."""
    return f"{case.owner_organisation_id or ''}:{case.owner_user_id or ''}"


def escalate(
    session: Session, *, case: Case, body: EscalationBody, on: date, reason: str, by: Actor
) -> Case:
    """Hand the casus on to the Zorg- en Veiligheidshuis, Veilig Thuis or another body."""
    apply_escalation(session, case=case, body=body, on=on, reason=reason, by=by)
    return _done(session, case)


def apply_escalation(
    session: Session, *, case: Case, body: EscalationBody, on: date, reason: str, by: Actor
) -> None:
    """The escalation as a step of a larger use case, which commits (or rolls back) it."""
    if case.status in ENDED:
        raise DomainError(f"Een {case.status} casus kan niet worden opgeschaald.")
    case.status, case.escalated_to, case.escalated_on = CaseStatus.ESCALATED, body, on
    case.escalation_reason = reason
    # The reason is on the casus itself: repeated here it would not fit the timeline's line.
    _log(session, case, f"Opgeschaald naar {body}", "casus.opgeschaald", by)


def apply_rectification(
    session: Session,
    *,
    case: Case,
    position: int,
    person: PersonData,
    field_label: str,
    reason: str,
    crypto: CaseCrypto,
    by: Actor,
) -> CasePerson:
    """A resident's right to rectification (AVG art. 16) as a step of a larger use case: the
    person at `position` stored again as corrected (encrypted, blind indexes renewed); the
    timeline names the field, the logging the reason too."""
    row = session.exec(
        select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.position == position)
    ).one()
    corrected = _encrypted(crypto, row.case_id, position, person)
    row.sqlmodel_update(corrected.model_dump(exclude={"id"}))
    session.add(row)
    _log(
        session,
        case,
        f"Persoonsgegevens gerectificeerd op verzoek van de inwoner: {field_label}",
        "casus.persoon.gerectificeerd",
        by,
        detail={"veld": field_label, "persoon": position, "reden": reason},
    )
    return row


def close(session: Session, *, case: Case, on: date, reason: str, by: Actor) -> Case:
    """Close the casus with a date and a reason."""
    apply_closing(session, case=case, on=on, reason=reason, by=by)
    return _done(session, case)


def apply_closing(session: Session, *, case: Case, on: date, reason: str, by: Actor) -> None:
    """The closing as a step of a larger use case, which commits (or rolls back) it."""
    if case.status == CaseStatus.CLOSED:
        raise DomainError("Deze casus is al afgesloten.")
    _check_not_withdrawn(case)
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, on, reason
    _log(session, case, "Afgesloten", "casus.afgesloten", by)


def add_follow_ups(session: Session, *, meeting: Meeting, by: Actor) -> int:
    """Put every open casus of the overleg that is not on this agenda yet on it as 'vervolg'."""
    if meeting.status in CLOSED:
        raise MeetingClosed(
            "Deze bijeenkomst is afgesloten; er kunnen geen casussen meer op de agenda."
        )
    on_agenda = select(AgendaItem.case_id).where(
        AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None)
    )
    open_cases = session.exec(
        select(Case)
        .where(
            Case.series_id == meeting.series_id,
            col(Case.accepted),
            col(Case.status).in_(
                [CaseStatus.IN_PROGRESS, CaseStatus.ESCALATED, CaseStatus.SUBMITTED]
            ),
            Case.meeting_id != meeting.id,
            col(Case.id).not_in(on_agenda),
        )
        .order_by(col(Case.reference))
    ).all()
    last = (
        session.exec(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        ).one()
        or 0
    )
    for offset, case in enumerate(open_cases, start=1):
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=last + offset,
                case_id=case.id,
                kind=AgendaItemKind.FOLLOW_UP,
                title=f"{case.reference} {case.pseudonym}",
                late=meeting.status == MeetingStatus.AGENDA_FROZEN,
            )
        )
    audit.record(
        session,
        action="agenda.vervolg.toegevoegd",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
        detail={"casussen": len(open_cases)},
    )
    session.commit()
    return len(open_cases)
