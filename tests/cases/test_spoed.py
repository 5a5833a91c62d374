"""A casus with urgency spoed: its chairs get an e-mail at once (a link, nothing of the casus),
and it is marked on the agenda and in the list of casussen."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.cases.models import Case
from app.config import Settings
from app.db import make_engine, utcnow
from app.mail.models import OutboxMessage
from app.mail.sender import deliver_due
from app.overleg.models import MeetingSeries
from tests.cases.forms import form, open_meeting, post
from tests.conftest import log_in, statements_of
from tests.factories import PASSWORD
from tests.planning import Table
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "smtp_server"]

BADGE = '<span class="utrecht-badge-status utrecht-badge-status--danger">spoed</span>'


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def deliver(engine: Engine, settings: Settings) -> None:
    deliver_due(engine, settings, now=utcnow() + timedelta(seconds=1))


def outbox(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage)).one()


def marked(page: str, pseudonym: str) -> bool:
    """Whether the badge is in the agenda item or table cell that names the casus."""
    start = page.index(pseudonym)
    ends = [end for end in (page.find("</li>", start), page.find("</td>", start)) if end != -1]
    return BADGE in page[start : min(ends)]


def bring(client: TestClient, session: Session, series: MeetingSeries, **overrides: object) -> Case:
    meeting = open_meeting(session, series)
    response = post(client, f"/overleggen/{series.id}/casussen/nieuw", form(meeting, **overrides))
    assert response.status_code == 303
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    case = session.get(Case, case_id)
    assert case is not None
    return case


def test_the_chair_gets_a_link_to_a_spoed_casus_at_once_and_nothing_of_it(
    client: TestClient,
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    deliver(engine, mail_settings)
    smtp_server.received.clear()  # the invitations to the overleg
    log_in(client, table.member.email, PASSWORD)

    case = bring(client, session, series, urgency="spoed", pseudonym="Moeder met baby")
    deliver(engine, mail_settings)

    assert smtp_server.recipients() == [table.chair.email]
    [mail] = smtp_server.mails()
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    content = mail["Subject"] + body.get_content()
    assert f"/overleggen/{series.id}/casussen/{case.id}" in content
    assert "spoed" in content and series.name in content
    for secret in (case.reference, "Moeder met baby", "Kees", "999990111", "Drie meldingen"):
        assert secret not in content


def test_a_casus_that_is_not_spoed_mails_nobody_until_a_correction_makes_it_spoed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    before = outbox(session)
    case = bring(client, session, series, urgency="urgent")
    after_submitting = outbox(session)
    typed = form(open_meeting(session, series), urgency="spoed", bevestigd="ja")

    post(client, f"/overleggen/{series.id}/casussen/{case.id}/corrigeren", typed)

    assert after_submitting == before
    alert = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
    assert outbox(session) == before + 1 and alert.to_address == table.chair.email
    assert alert.subject.startswith("Spoedcasus")


def test_the_agenda_and_the_list_mark_a_spoed_casus(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    bring(client, session, series, urgency="spoed", pseudonym="Spoedeisend")
    bring(client, session, series, urgency="regulier", pseudonym="Gewoon")
    meeting = open_meeting(session, series)

    agenda = client.get(f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}").text
    listed = client.get(f"/overleggen/{series.id}/casussen").text

    for page in (agenda, listed):
        assert page.count(BADGE) == 1
        assert marked(page, "Spoedeisend") and not marked(page, "Gewoon")


def test_the_meeting_page_costs_the_same_statements_however_many_spoed_casussen(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    meeting = open_meeting(session, series)
    path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}"
    bring(client, session, series, urgency="spoed")
    one = statements_of(app, lambda: client.get(path))

    for _ in range(3):
        bring(client, session, series, urgency="spoed")
    four = statements_of(app, lambda: client.get(path))

    assert one == four
