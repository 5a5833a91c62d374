"""`casustafel retention run [--dry-run]`: the dry run changes nothing and lists exactly what
the real run then removes."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.audit import AuditEvent
from app.cases.models import Case, CasePerson
from app.db import today
from app.minutes.models import MinutesDocument, MinutesSnapshot, MinutesVersion
from tests.conftest import run_cli
from tests.minutes.demo import DemoMinutes
from tests.retention.helpers import close_cases, named_version


def stored(session: Session) -> tuple[object, ...]:
    """What a purge would change, as the database holds it now."""
    session.expire_all()

    def count(model: type) -> int:
        return session.exec(select(func.count()).select_from(model)).one()

    cases = session.exec(
        select(Case.id, Case.pseudonym, Case.reason, Case.purged_on).order_by(Case.id)
    ).all()
    return (
        cases,
        count(CasePerson),
        count(MinutesVersion),
        count(MinutesDocument),
        count(MinutesSnapshot),
        count(AuditEvent),
    )


def test_a_dry_run_changes_nothing_and_lists_exactly_what_the_run_removes(
    session: Session, client: TestClient, database_url: str, minutes: DemoMinutes
) -> None:
    named_version(session, client, minutes)
    cases = close_cases(session, minutes, purge_on=today())
    before = stored(session)
    session.commit()

    dry = run_cli(database_url, "retention", "run", "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert stored(session) == before
    *listed, said = dry.stdout.splitlines()
    assert said == "Proefdraai: er is niets verwijderd."
    assert any(line.startswith(f"casus {cases.kees.reference} ") for line in listed)
    assert any("geredigeerde versie 3" in line for line in listed)
    assert not any(cases.mother.reference in line for line in listed)
    session.commit()

    real = run_cli(database_url, "retention", "run")

    assert real.returncode == 0, real.stderr
    *removed, said = real.stdout.splitlines()
    assert said == "Bewaartermijnen uitgevoerd."
    assert removed == listed
    assert stored(session) != before
    assert run_cli(database_url, "retention", "run", "--dry-run").stdout.splitlines()[:-1] == []
