"""Five years of one municipality for the dashboard benchmark: 3 overleggen, 300 past meetings
(attendance, verslagen), 20,000 casussen (a quarter of them about someone seen before, found by
blind index) and 100,000 tasks.

The table (organisations, people, covenant, overleggen) is made through the real use cases; the
history is bulk-inserted with SQLAlchemy Core in batches. Nothing is encrypted: the encrypted
columns hold a fixed ciphertext-looking string, the blind indexes random-looking hex."""

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlmodel import Session, SQLModel, select

from app.agenda.models import AgendaItem, AgendaItemKind
from app.audit import Actor
from app.cases.models import (
    AgeBand,
    Case,
    CaseCategory,
    CasePerson,
    CaseStatus,
    Consent,
    EscalationBody,
    LegalBasis,
    Urgency,
)
from app.db import today
from app.meetings.models import ItemRecord, MeetingAttendance, Presence
from app.minutes.models import MinutesVersion
from app.organisations.models import OrganisationKind
from app.overleg import service as planning_service
from app.overleg.models import Meeting, MeetingStatus, SeriesKind, SeriesPlan
from app.tasks.models import NotDoneReason, Task, TaskStatus
from app.users.models import User
from tests.factories import make_covenant, make_organisation, make_user
from tests.planning import MAIL

YEARS = 5
MEETINGS_PER_SERIES = 100
CASES = 20_000
TASKS = 100_000
BATCH = 5_000
# People the casussen are about: fewer than the identified persons, so some come back.
PEOPLE = 12_000
DUMMY_CIPHERTEXT = "v1:bench:" + "QmVuY2htYXJrIC0gZ2VlbiBlY2h0ZSBnZWdldmVucw==" * 2
SERIES = (
    ("Integraal overleg Dorpsveen", "IO", SeriesKind.INTEGRAL),
    ("Multidisciplinair overleg Jeugd", "MJ", SeriesKind.MULTIDISCIPLINARY),
    ("Casusoverleg Zorg en Veiligheid", "CZ", SeriesKind.CASE_MEETING),
)
ORGANISATIONS = (
    ("Gemeente Dorpsveen", OrganisationKind.MUNICIPALITY),
    ("Politie Dorpsveen", OrganisationKind.POLICE),
    ("Sociaal team", OrganisationKind.SOCIAL_TEAM),
    ("Woonstichting", OrganisationKind.HOUSING_CORPORATION),
    ("Leerplicht", OrganisationKind.SCHOOL_ATTENDANCE),
    ("Bemoeizorg GGZ", OrganisationKind.MENTAL_HEALTH_OUTREACH),
    ("Maatschappelijk werk", OrganisationKind.SOCIAL_WORK),
    ("Jongerenwerk", OrganisationKind.YOUTH_WORK),
    ("Veilig Thuis", OrganisationKind.VEILIG_THUIS),
    ("Zorg- en Veiligheidshuis", OrganisationKind.SAFETY_HOUSE),
)


@dataclass(frozen=True)
class Municipality:
    """What the benchmark needs of the seeded data: the overleggen and who may see them all."""

    series_ids: list[int]
    admin_email: str


@dataclass(frozen=True)
class SeriesTable:
    id: int
    code: str
    organisation_ids: list[int]
    user_ids: list[int]
    chair: User


@dataclass(frozen=True)
class CaseItem:
    series: SeriesTable
    meeting_id: int
    case_id: int
    item_id: int
    day: date


def seed(session: Session, rng: random.Random) -> Municipality:
    """The whole municipality, committed."""
    admin, tables = _tables(session)
    connection = session.connection()
    meetings = _meetings(connection, tables, rng)
    users = {user.id: user for user in session.exec(select(User)).all()}
    _attendance_and_minutes(connection, tables, meetings, users, rng)
    items = _cases(connection, tables, meetings, users, rng)
    _tasks(connection, items, rng)
    session.commit()
    return Municipality(series_ids=[table.id for table in tables], admin_email=admin.email)


def _tables(session: Session) -> tuple[User, list[SeriesTable]]:
    """Organisations with two people each, a covenant all signed, and the three overleggen."""
    organisations = [
        make_organisation(session, name=name, kind=kind) for name, kind in ORGANISATIONS
    ]
    people = {
        organisation.id: [
            make_user(session, name=f"{organisation.name} {n}", organisation_id=organisation.id)
            for n in (1, 2)
        ]
        for organisation in organisations
    }
    municipality = organisations[0]
    admin = make_user(session, name="Beheerder", is_admin=True, organisation_id=municipality.id)
    covenant, _ = make_covenant(
        session,
        in_force_from=today() - timedelta(days=366 * (YEARS + 1)),
        signed_by=tuple(organisation.id for organisation in organisations),
    )
    actor = Actor(user=admin, organisation_name=municipality.name, client_address="bench")
    tables = []
    for index, (name, code, kind) in enumerate(SERIES):
        at_table = [municipality, *organisations[1 + index : 8 + index]]
        chair = people[municipality.id][index % 2]
        user_ids = [user.id for organisation in at_table for user in people[organisation.id]]
        plan = SeriesPlan.model_validate(
            {
                "name": name,
                "kind": kind,
                "covenant_id": covenant.id,
                "default_location": "Gemeentehuis",
                "weekday": 1,
                "start_time": "09:30",
                "starts_on": (today() + timedelta(days=1)).isoformat(),
                "organisation_ids": [organisation.id for organisation in at_table],
                "member_ids": user_ids,
                "chair_ids": [chair.id],
            }
        )
        series = planning_service.create_series(
            session, plan=plan, by=actor, today=today(), mail=MAIL
        )
        organisation_ids = [organisation.id for organisation in at_table]
        tables.append(SeriesTable(series.id, code, organisation_ids, user_ids, chair))
    return admin, tables


def _insert(connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert the rows in batches."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])


def _insert_for_ids(
    connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert the rows in batches; their new ids, in the order given."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += connection.execute(statement, rows[start : start + BATCH]).scalars().all()
    return ids


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(8, 30), UTC)


def _meetings(
    connection: Connection, tables: list[SeriesTable], rng: random.Random
) -> dict[int, list[tuple[int, date, MeetingStatus]]]:
    """Every overleg's past meetings, oldest first: verslag vastgesteld, but the last two only
    afgerond, and now and then one cancelled."""
    first_day = today() - timedelta(days=365 * YEARS)
    rows, keys = [], []
    for offset, table in enumerate(tables):
        for n in range(MEETINGS_PER_SERIES):
            day = first_day + timedelta(days=offset * 6 + n * 18)
            status = (
                MeetingStatus.FINISHED
                if n >= MEETINGS_PER_SERIES - 2
                else MeetingStatus.CANCELLED
                if rng.random() < 0.03
                else MeetingStatus.MINUTES_FINAL
            )
            rows.append(
                {
                    "series_id": table.id,
                    "occurrence_date": day,
                    "starts_at": _moment(day),
                    "ends_at": _moment(day) + timedelta(hours=2),
                    "location": "Gemeentehuis",
                    "status": status,
                    "agenda_deadline": day - timedelta(days=7),
                    "created_at": _moment(first_day),
                }
            )
            keys.append((table.id, day, status))
    meetings: dict[int, list[tuple[int, date, MeetingStatus]]] = defaultdict(list)
    for meeting_id, (series_id, day, status) in zip(
        _insert_for_ids(connection, Meeting, rows), keys, strict=True
    ):
        meetings[series_id].append((meeting_id, day, status))
    return meetings


def _attendance_and_minutes(
    connection: Connection,
    tables: list[SeriesTable],
    meetings: dict[int, list[tuple[int, date, MeetingStatus]]],
    users: dict[int, User],
    rng: random.Random,
) -> None:
    """Who came to each held meeting, and the vastgestelde verslagen (some corrected once)."""
    presences, versions = [], []
    for table in tables:
        for meeting_id, day, status in meetings[table.id]:
            if status == MeetingStatus.CANCELLED:
                continue
            presences += [
                {
                    "meeting_id": meeting_id,
                    "user_id": user_id,
                    "presence": rng.choices(list(Presence), weights=(80, 12, 8))[0],
                }
                for user_id in table.user_ids
            ]
            if status == MeetingStatus.MINUTES_FINAL:
                corrections = 2 if rng.random() < 0.05 else 1
                finalised = _moment(day) + timedelta(days=rng.randint(2, 25))
                versions += [
                    {
                        "meeting_id": meeting_id,
                        "number": number,
                        "sha256": f"{rng.getrandbits(256):064x}",
                        "size": 48_000,
                        "correction_reason": "Correctie" if number > 1 else None,
                        "finalised_at": finalised + timedelta(days=7 * (number - 1)),
                        "finalised_by_user_id": table.chair.id,
                        "finalised_by_name": users[table.chair.id].name,
                    }
                    for number in range(1, corrections + 1)
                ]
    _insert(connection, MeetingAttendance, presences)
    _insert(connection, MinutesVersion, versions)


def _held(meetings: list[tuple[int, date, MeetingStatus]]) -> list[tuple[int, date]]:
    return [(meeting_id, day) for meeting_id, day, status in meetings if status != "geannuleerd"]


def _cases(
    connection: Connection,
    tables: list[SeriesTable],
    meetings: dict[int, list[tuple[int, date, MeetingStatus]]],
    users: dict[int, User],
    rng: random.Random,
) -> list[CaseItem]:
    """The casussen, each on the agenda of a held meeting and a third discussed once more at
    the next; the identified ones with their persons. Every agenda item, with its record."""
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    rows, placed = [], []
    for n in range(CASES):
        table = tables[n % len(tables)]
        held = _held(meetings[table.id])
        position = rng.randrange(len(held))
        meeting_id, day = held[position]
        numbers[table.id, day.year] += 1
        rows.append(_case(table, meeting_id, day, numbers[table.id, day.year], users, rng))
        placed.append((table, position))
    case_ids = _insert_for_ids(connection, Case, rows)
    _persons(
        connection, [cid for cid, row in zip(case_ids, rows, strict=True) if row["identified"]], rng
    )
    items, agenda = [], []
    for case_id, (table, position) in zip(case_ids, placed, strict=True):
        held = _held(meetings[table.id])
        discussions = [held[position]]
        if position + 1 < len(held) and rng.random() < 0.33:
            discussions.append(held[position + 1])
        for kind, (meeting_id, day) in zip(
            (AgendaItemKind.NEW_CASE, AgendaItemKind.FOLLOW_UP), discussions, strict=False
        ):
            agenda.append(
                {
                    "meeting_id": meeting_id,
                    "position": len(agenda),
                    "kind": kind,
                    "title": f"Casus {case_id}",
                    "case_id": case_id,
                    "added_at": _moment(day) - timedelta(days=8),
                }
            )
            items.append((table, meeting_id, case_id, day))
    item_ids = _insert_for_ids(connection, AgendaItem, agenda)
    _insert(
        connection,
        ItemRecord,
        [
            {"agenda_item_id": item_id, "discussed_anonymously": rng.random() < 0.05}
            for item_id in item_ids
        ],
    )
    return [
        CaseItem(table, meeting_id, case_id, item_id, day)
        for item_id, (table, meeting_id, case_id, day) in zip(item_ids, items, strict=True)
    ]


def _case(
    table: SeriesTable,
    meeting_id: int,
    day: date,
    number: int,
    users: dict[int, User],
    rng: random.Random,
) -> dict[str, Any]:
    """One casus as a row: a realistic mix of categories, urgency, and how far it got."""
    identified = rng.random() < 0.75
    submitter = users[rng.choice(table.user_ids)]
    status, escalated_to, escalated_on, closed_on = _outcome(day, rng)
    return {
        "series_id": table.id,
        "meeting_id": meeting_id,
        "reference": f"{table.code}-{day.year}-{number:04d}",
        "year": day.year,
        "number": number,
        "pseudonym": f"Casus {table.code} {number}",
        "categories": "|".join(rng.sample(list(CaseCategory), rng.choice((1, 1, 1, 2, 3)))),
        "children_involved": rng.random() < 0.3,
        "urgency": rng.choices(list(Urgency), weights=(80, 15, 5))[0],
        "reason": "Zorgen gemeld door een partner.",
        "question": "Wie pakt het op?",
        "identified": identified,
        "age_band": None if identified else rng.choice(list(AgeBand)),
        "consent": rng.choice(list(Consent)) if identified else None,
        "legal_basis": rng.choice(list(LegalBasis)) if identified else None,
        "submitting_organisation_id": submitter.organisation_id,
        "submitted_by_user_id": submitter.id,
        "submitted_at": _moment(day) - timedelta(days=rng.randint(8, 30)),
        "late": rng.random() < 0.05,
        "status": status,
        "owner_organisation_id": rng.choice(table.organisation_ids),
        "escalated_to": escalated_to,
        "escalated_on": escalated_on,
        "closed_on": closed_on,
        "last_discussed_on": day,
    }


def _outcome(
    day: date, rng: random.Random
) -> tuple[CaseStatus, EscalationBody | None, date | None, date | None]:
    """Status, escalation and closing: most old casussen closed after weeks to a year."""
    escalated = rng.random() < 0.1
    body = rng.choice(list(EscalationBody)) if escalated else None
    escalated_on = day + timedelta(days=rng.randint(0, 40)) if escalated else None
    closed_on = day + timedelta(days=int(rng.lognormvariate(4.3, 0.8)))
    if rng.random() < 0.02:
        return CaseStatus.WITHDRAWN, None, None, None
    if closed_on < today() and rng.random() < 0.85:
        return CaseStatus.CLOSED, body, escalated_on, closed_on
    if escalated and escalated_on is not None and escalated_on < today():
        return CaseStatus.ESCALATED, body, escalated_on, None
    return CaseStatus.IN_PROGRESS, None, None, None


def _index(kind: str, n: int) -> str:
    return hashlib.sha256(f"bench:{kind}:{n}".encode()).hexdigest()


def _persons(connection: Connection, case_ids: list[int], rng: random.Random) -> None:
    """One person per identified casus (a fifth two), drawn from a smaller crowd: repeats."""
    rows = []
    for case_id in case_ids:
        for position in range(1, 3 if rng.random() < 0.2 else 2):
            person = rng.randrange(PEOPLE)
            rows.append(
                {
                    "case_id": case_id,
                    "position": position,
                    "name_encrypted": DUMMY_CIPHERTEXT,
                    "birth_date_encrypted": DUMMY_CIPHERTEXT,
                    "bsn_encrypted": DUMMY_CIPHERTEXT if person % 3 else None,
                    "address_encrypted": DUMMY_CIPHERTEXT,
                    "bsn_index": _index("bsn", person) if person % 3 else None,
                    "name_birth_index": _index("naam", person),
                }
            )
    _insert(connection, CasePerson, rows)


def _tasks(connection: Connection, items: list[CaseItem], rng: random.Random) -> None:
    """The tasks agreed on the items: old ones mostly done, some lapsed, a few still overdue;
    some carried forward three times or more."""
    rows = []
    for n in range(TASKS):
        item = rng.choice(items)
        due_on = item.day + timedelta(days=28)
        status = _task_status(due_on, rng)
        done = status == TaskStatus.DONE
        rows.append(
            {
                "series_id": item.series.id,
                "meeting_id": item.meeting_id,
                "agenda_item_id": item.item_id,
                "case_id": item.case_id,
                "description": f"Actie {n}",
                "assignee_organisation_id": rng.choice(item.series.organisation_ids),
                "assignee_user_id": rng.choice(item.series.user_ids)
                if rng.random() < 0.4
                else None,
                "due_on": due_on,
                "status": status,
                "feedback": "Gedaan." if done else "",
                "feedback_at": _reported(due_on, rng) if done else None,
                "not_done_reason": rng.choice(list(NotDoneReason))
                if status == "vervallen"
                else None,
                "carried_forward": rng.choices((0, 1, 2, 3, 4), weights=(70, 15, 8, 5, 2))[0],
                "created_at": _moment(item.day),
            }
        )
    _insert(connection, Task, rows)


def _reported(due_on: date, rng: random.Random) -> datetime:
    """When a done task was reported: around its deadline, never in the future."""
    return _moment(min(due_on + timedelta(days=rng.randint(-20, 10)), today()))


def _task_status(due_on: date, rng: random.Random) -> TaskStatus:
    if due_on > today() - timedelta(days=30):
        return rng.choices(list(TaskStatus), weights=(60, 38, 2))[0]
    return rng.choices(list(TaskStatus), weights=(3, 87, 10))[0]
