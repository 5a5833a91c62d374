"""Planning fixtures: a covenant, two partners (one signed), a chair, a member, an overleg."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from app.audit import Actor
from app.covenants.models import DeclarationText
from app.db import today
from app.meetings import service as live_service
from app.overleg import service
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting, MeetingSeries, SeriesKind, SeriesPlan
from app.users.models import User
from tests.factories import make_covenant, make_organisation, make_user

MAIL = MailContext(base_url="https://casustafel.example", sender="casustafel@dorpsveen.example")


@dataclass
class Table:
    admin: Actor
    chair: User
    member: User
    outsider: User
    covenant_id: int
    police_id: int
    housing_id: int

    def plan(self, **overrides: object) -> SeriesPlan:
        start = today() + timedelta(days=1)
        values = {
            "name": "Integraal overleg Wijk Noord",
            "kind": SeriesKind.INTEGRAL,
            "covenant_id": self.covenant_id,
            "default_location": "Gemeentehuis",
            "interval_weeks": 4,
            "weekday": start.weekday(),
            "start_time": "09:30",
            "duration_minutes": 120,
            "starts_on": start.isoformat(),
            "deadline_working_days": 5,
            "organisation_ids": [self.police_id, self.housing_id],
            "member_ids": [self.member.id],
            "chair_ids": [self.chair.id],
        }
        return SeriesPlan.model_validate(values | overrides)


@pytest.fixture
def table(session: Session) -> Table:
    police = make_organisation(session, name="Politie")
    housing = make_organisation(session, name="Woonstichting")
    covenant, _ = make_covenant(session, signed_by=(police.id,))
    admin = make_user(session, is_admin=True, is_participant=False, organisation_id=police.id)
    session.add(DeclarationText(version=1, text="Ik houd geheim wat ik hier hoor en lees."))
    session.commit()
    return Table(
        admin=Actor(user=admin, organisation_name="Politie", client_address="127.0.0.1"),
        chair=make_user(session, name="Victor Voorzitter", organisation_id=police.id),
        member=make_user(session, name="Wouter Wonen", organisation_id=housing.id),
        outsider=make_user(session, name="Olga Buiten"),
        covenant_id=covenant.id,
        police_id=police.id,
        housing_id=housing.id,
    )


@pytest.fixture
def series(session: Session, table: Table) -> MeetingSeries:
    return service.create_series(
        session, plan=table.plan(), by=table.admin, today=today(), mail=MAIL
    )


def next_weekday(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def start_today(session: Session, *, meeting: Meeting, by: Actor) -> Meeting:
    """Start a meeting now, whatever its date (the chair confirms the other day), after the
    confidentiality text was read out."""
    return live_service.start(
        session,
        meeting=meeting,
        confidentiality_read=True,
        confirm_other_day=True,
        today=today(),
        by=by,
    )
