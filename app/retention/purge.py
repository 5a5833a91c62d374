"""The purge that deletes for real: for each closed casus past its bewaartermijn, its persons and
blind indexes are deleted and its texts replaced, leaving a content-free tombstone (reference,
dates, categories, repeat); stored verslag versions that name it lose their PDF to a redacted
version, and versions past the verslag term lose their PDF and snapshot. Safe in several
processes at once: each casus and version is claimed in the database before it is touched."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, case, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases.models import Case, CaseEvent, CasePerson, CaseStatus
from app.meetings.models import TEXT_FIELDS, ItemContribution, ItemRecord
from app.minutes import flows as minutes_flows
from app.minutes import retention as minutes_retention
from app.minutes.retention import Redaction, StoredVersion
from app.retention import queries
from app.retention.models import REMOVED
from app.retention.queries import DueCase
from app.tasks.models import Task

JOB_ACTOR = Actor(user=None, organisation_name=None, client_address="bewaartermijn")
TERM_REASON = "bewaartermijn"
CASE_TEXTS = (
    "pseudonym",
    "reason",
    "question",
    "done_so_far",
    "situation",
    "involved_organisations",
    "escalation_reason",
    "closed_reason",
    "kept_reason",
)
# What the purge empties, for VACUUM on PostgreSQL afterwards.
PURGED_TABLES = (
    "case_person",
    "case_file",
    "case_event",
    "agenda_item",
    "item_record",
    "item_contribution",
    "task",
    "minutes_version",
    "minutes_document",
    "minutes_snapshot",
)


@dataclass(frozen=True)
class CasePlan:
    """One casus due, with the verslag versions that name it and their redacted successors."""

    due: DueCase
    named: list[StoredVersion]
    redactions: list[Redaction]

    def lines(self) -> list[str]:
        due = self.due
        lines = [
            f"casus {due.reference} (verwijderdatum {due.due_on.isoformat()}): "
            f"{due.persons} persoon/personen en blinde indexen gewist, "
            f'teksten vervangen door "{REMOVED}"'
        ]
        lines += [
            f"  verslag bijeenkomst {v.meeting_id} versie {v.number}: pdf gewist "
            f"(noemt casus {due.reference}), hash blijft"
            for v in self.named
        ]
        lines += [
            f"  verslag bijeenkomst {r.meeting_id}: geredigeerde versie {r.number} zonder namen"
            for r in self.redactions
        ]
        return lines


@dataclass
class Plan:
    """What a run removes, in the order it removes it."""

    cases: list[CasePlan] = field(default_factory=list)
    versions: list[tuple[StoredVersion, date]] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [line for planned in self.cases for line in planned.lines()] + [
            f"verslag bijeenkomst {v.meeting_id} versie {v.number} (verslagtermijn tot "
            f"{day.isoformat()}): pdf en snapshot gewist, hash blijft"
            for v, day in self.versions
        ]


def _case_plan(
    session: Session, due: DueCase, past_term: list[tuple[StoredVersion, date]]
) -> CasePlan:
    named, redactions = minutes_retention.naming(
        session, case_id=due.case_id, cause=minutes_retention.TERM
    )
    # A verslag past its own term is emptied anyway: no redacted version to replace it.
    past = {version.meeting_id for version, _ in past_term}
    return CasePlan(
        due=due, named=named, redactions=[r for r in redactions if r.meeting_id not in past]
    )


def plan(session: Session, *, today: date) -> Plan:
    """Everything due today; a dry run shows exactly this."""
    past_term = minutes_retention.past_term(session, today=today)
    return Plan(
        cases=[
            _case_plan(session, due, past_term) for due in queries.due_cases(session, until=today)
        ],
        versions=past_term,
    )


def run(engine: Engine, *, today: date, dry_run: bool = False, by: Actor = JOB_ACTOR) -> list[str]:
    """Purge what is due (or only say what would go); the lines of what was removed."""
    with Session(engine) as session:
        planned = plan(session, today=today)
        if dry_run:
            return planned.lines()
        done = Plan()
        for case_plan in planned.cases:
            if _purge(session, case_plan, reason=TERM_REASON, by=by, today=today):
                done.cases.append(case_plan)
        done.versions = [
            (version, day)
            for version, day in planned.versions
            if _empty_version(session, version, by=by, today=today)
        ]
    if done.cases or done.versions:
        reclaim_space(engine)
    return done.lines()


def purge_case(session: Session, *, case: Case, reason: str, by: Actor, today: date) -> list[str]:
    """Early erasure ('wissing'): the purge for this one casus now, whatever its status or term
    (an open casus is closed by it); the lines of what was removed, none when it was purged
    already. Afterwards the caller reclaims the space with reclaim_space(engine)."""
    assert case.id is not None
    persons = session.exec(
        select(func.count()).select_from(CasePerson).where(CasePerson.case_id == case.id)
    ).one()
    due = DueCase(case.id, case.series_id, case.reference, case.pseudonym, today, persons)
    planned = _case_plan(session, due, minutes_retention.past_term(session, today=today))
    return planned.lines() if _purge(session, planned, reason=reason, by=by, today=today) else []


def reclaim_space(engine: Engine) -> None:
    """Make the removed bytes go from the files too, as far as the database allows: on SQLite
    (secure_delete zeroed them in the pages) empty the write-ahead log into the file and
    truncate it; on PostgreSQL let VACUUM drop the old row versions. Both outside any
    transaction (on SQLite past the engine's BEGIN IMMEDIATE, which a checkpoint cannot run in)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
            return
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in PURGED_TABLES:
            autocommit.exec_driver_sql(f"VACUUM {table}")


def _purge(session: Session, planned: CasePlan, *, reason: str, by: Actor, today: date) -> bool:
    """One casus in one transaction; False when another process claimed it first."""
    session.commit()  # no transaction stays open while the redacted versions are rendered
    replacement = minutes_flows.render_replacement(planned.named, planned.redactions)
    due = planned.due
    try:
        minutes_retention.open_purge_path(session)
        if not _claim_case(session, due.case_id, today):
            session.rollback()
            return False
        _erase(session, due.case_id, due.reference)
        minutes_retention.replace_named(session, replacement=replacement, on=today)
        audit.record(
            session,
            action="casus.bewaartermijn.gewist",
            actor=by,
            object_type="casus",
            object_id=due.case_id,
            detail={"reden": reason, "verslagversies": [v.number for v in planned.named]},
        )
        _finish(session)
    except IntegrityError:
        session.rollback()  # a verslag was corrected meanwhile: the next run tries again
        return False
    return True


def _empty_version(session: Session, version: StoredVersion, *, by: Actor, today: date) -> bool:
    """A version past the verslag term loses its PDF and snapshot; False when already done."""
    minutes_retention.open_purge_path(session)
    removed = minutes_retention.empty(
        session, version_ids=[version.version_id], on=today, snapshots=True
    )
    if not removed:
        session.rollback()
        return False
    audit.record(
        session,
        action="verslag.bewaartermijn.gewist",
        actor=by,
        object_type="bijeenkomst",
        object_id=version.meeting_id,
        detail={"versie": version.number},
    )
    _finish(session)
    return True


def _finish(session: Session) -> None:
    minutes_retention.close_purge_path(session)
    session.commit()


def _claim_case(session: Session, case_id: int, today: date) -> bool:
    claimed = session.execute(
        update(Case)
        .where(col(Case.id) == case_id, col(Case.purged_on).is_(None))
        .values(
            purged_on=today,
            status=CaseStatus.CLOSED,
            closed_on=func.coalesce(col(Case.closed_on), today),
        )
    )
    return claimed.rowcount == 1


def _removed(column: object) -> ColumnElement[object]:
    """The marker in place of a text; an empty text stays empty."""
    return case((func.coalesce(column, "") == "", column), else_=REMOVED)


def _replace(
    session: Session, table: type, where: ColumnElement[bool], fields: Iterable[str]
) -> None:
    session.execute(
        update(table).where(where).values({name: _removed(getattr(table, name)) for name in fields})
    )


def _erase(session: Session, case_id: int, reference: str) -> None:
    """Delete the persons, replace every text typed about the casus."""
    session.execute(delete(CasePerson).where(col(CasePerson.case_id) == case_id))
    _replace(session, Case, col(Case.id) == case_id, CASE_TEXTS)
    _replace(session, CaseEvent, col(CaseEvent.case_id) == case_id, ["description"])
    items = select(AgendaItem.id).where(AgendaItem.case_id == case_id)
    session.execute(
        update(AgendaItem)
        .where(col(AgendaItem.case_id) == case_id)
        .values(title=f"{reference} {REMOVED}", description=_removed(AgendaItem.description))
    )
    _replace(session, ItemRecord, col(ItemRecord.agenda_item_id).in_(items), TEXT_FIELDS)
    _replace(session, ItemContribution, col(ItemContribution.agenda_item_id).in_(items), ["text"])
    _replace(
        session,
        Task,
        (col(Task.case_id) == case_id) | col(Task.agenda_item_id).in_(items),
        ["description", "feedback"],
    )
