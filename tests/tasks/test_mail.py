"""After the meeting, assignees at the table get a link to 'mijn acties', never the tasks."""

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import AgeBand, AnonymisedFields, CaseCategory, CaseSubmission
from app.config import Settings
from app.db import make_engine, today, utcnow
from app.mail.sender import deliver_due
from app.overleg.models import Meeting, MeetingSeries
from app.security.crypto import CaseCrypto, DataCipher
from app.tasks import service as task_service
from app.tasks.models import TaskCreate
from tests.factories import make_user
from tests.planning import MAIL, Table, start_today
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]

CRYPTO = CaseCrypto(cipher=DataCipher((os.urandom(32),)), index_key=b"k" * 32)
PSEUDONYM = "Man met overlast"
TASKS = ("Huisbezoek afleggen", "Contact met de GGD", "Schouw van de woning")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_assignees_at_the_table_get_a_count_and_a_link_and_nothing_of_the_tasks(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    chair = Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")
    police_not_at_the_table = make_user(session, organisation_id=table.police_id)
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()
    case = case_service.submit_case(
        session,
        series=series,
        data=CaseSubmission(
            meeting_id=meeting.id,
            pseudonym=PSEUDONYM,
            identified=False,
            categories=[CaseCategory.NUISANCE],
            reason="Drie meldingen gedaan.",
            question="Wie legt contact?",
        ),
        people=[],
        details=AnonymisedFields(age_band=AgeBand.ADULT, situation="Zorgen, geen naam bekend."),
        crypto=CRYPTO,
        by=chair,
        today=today(),
    )
    item = session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).one()
    start_today(session, meeting=meeting, by=chair)
    for description, organisation_id, person in zip(
        TASKS,
        (table.police_id, table.police_id, table.housing_id),
        (table.chair.id, None, None),
        strict=True,
    ):
        task_service.add_task(
            session,
            meeting=meeting,
            item=item,
            by=chair,
            data=TaskCreate(
                description=description,
                assignee_organisation_id=organisation_id,
                assignee_user_id=person,
            ),
        )
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))
    smtp_server.received.clear()  # the invitations to the overleg

    task_service.mail_assignees(session, series=series, meeting=meeting, mail=MAIL)
    session.commit()
    deliver_due(engine, mail_settings, now=utcnow() + timedelta(seconds=1))

    assert smtp_server.recipients() == sorted([table.chair.email, table.member.email])
    assert police_not_at_the_table.email not in smtp_server.recipients()
    bodies = {}
    for mail in smtp_server.mails():
        text = mail.get_body(preferencelist=("plain",))
        assert text is not None
        bodies[mail["To"]] = text.get_content()
        content = mail["Subject"] + text.get_content()
        assert case.reference not in content and PSEUDONYM not in content
        assert not [description for description in TASKS if description in content]
        assert "https://casustafel.example/acties" in content
    assert "2 acties" in bodies[table.chair.email]
    assert "1 actie " in bodies[table.member.email]
    assert series.name in bodies[table.member.email]
