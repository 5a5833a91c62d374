"""DOMAIN.md rule 12 over every e-mail the app writes: the demo journey, then every other
use case that mails and every reminder; no message in the outbox holds a casus reference,
pseudonym, casus or task text, or a resident's name, BSN, birth date or address, and each
links to the app.

Mails are built in several services (planning, agenda, live meeting, tasks, verslag, account
links, reminders): a new one belongs in `drive_every_mail` below."""

import re
from datetime import date, time, timedelta

from sqlmodel import Session, col, select

from app import demo
from app.agenda import service as agenda_service
from app.audit import Actor
from app.cases.models import Case
from app.config import Settings
from app.db import today
from app.demo_cases import DEMO_PEOPLE
from app.demo_meeting import DEMO_MAIL
from app.invitations import service as invitation_service
from app.mail.models import OutboxMessage
from app.meetings.models import ItemRecord
from app.minutes import flows as minutes_flows
from app.overleg import service as planning_service
from app.overleg.access import SeriesAccess
from app.overleg.invitations import MailContext
from app.overleg.models import (
    Meeting,
    MeetingCancellation,
    MeetingSeries,
    MeetingStatus,
    MeetingTimes,
    MemberRole,
    SeriesKind,
    SeriesMember,
    SeriesOrganisation,
    SeriesPlan,
)
from app.reminders import mails as reminder_mails
from app.reminders import service as reminder_service
from app.security.crypto import CaseCrypto
from app.tasks.models import Task
from app.users.models import User, UserCreate

REFERENCE = re.compile(r"\b[A-Z]{2,3}-\d{4}-\d{3,}\b")
# Each kind of e-mail the journey must have produced, by (part of) its subject.
EXPECTED_SUBJECTS = (
    "Uitnodiging: ",
    "Bijeenkomst ",
    "Geannuleerd: ",
    "Agenda vastgesteld: ",
    "Herinnering: agendadeadline",
    "Uw acties uit ",
    "is vastgesteld",
    "is gecorrigeerd",
    "Uw account voor Casustafel",
    "Nieuw wachtwoord voor Casustafel",
    reminder_mails.DIGEST_SUBJECT,
    reminder_mails.MINUTES_SUBJECT,
)


def actor(session: Session, email: str) -> Actor:
    user = session.exec(select(User).where(User.email == email)).one()
    return Actor(user=user, organisation_name=user.organisation.name, client_address="test")


def meetings(session: Session, status: MeetingStatus) -> list[Meeting]:
    statement = select(Meeting).where(Meeting.status == status)
    return list(session.exec(statement.order_by(col(Meeting.starts_at))).all())


def plan_changes(session: Session, series: MeetingSeries, admin: Actor, mail: MailContext) -> None:
    """Move one coming meeting, add an extra one and cancel another."""
    planned = [m for m in meetings(session, MeetingStatus.PLANNED) if m.agenda_deadline > today()]
    moved, cancelled = planned[-1], planned[-2]
    day = moved.starts_at.date() + timedelta(days=1)
    times = MeetingTimes(day=day, start_time=time(13, 0), location="Dorpshuis")
    planning_service.move_meeting(
        session, series=series, meeting=moved, times=times, by=admin, mail=mail
    )
    extra = MeetingTimes(day=day + timedelta(days=2), start_time=time(10), location="Dorpshuis")
    planning_service.add_meeting(session, series=series, times=extra, by=admin, mail=mail)
    planning_service.cancel_meeting(
        session,
        series=series,
        meeting=cancelled,
        data=MeetingCancellation(reason="Zomerstop"),
        by=admin,
        mail=mail,
    )


def plan_another_overleg(
    session: Session, series: MeetingSeries, admin: Actor, mail: MailContext
) -> None:
    """A second overleg at the demo's table: its members are invited with the calendar."""
    members = session.exec(select(SeriesMember).where(SeriesMember.series_id == series.id)).all()
    organisations = session.exec(
        select(SeriesOrganisation.organisation_id).where(SeriesOrganisation.series_id == series.id)
    ).all()
    start = today() + timedelta(days=14)
    plan = SeriesPlan(
        name="Casusoverleg Jeugd Dorpsveen",
        kind=SeriesKind.CASE_MEETING,
        covenant_id=series.covenant_id,
        default_location="Gemeentehuis Dorpsveen",
        weekday=start.weekday(),
        start_time=time(14, 0),
        starts_on=start,
        organisation_ids=list(organisations),
        member_ids=[m.user_id for m in members if m.role == MemberRole.MEMBER],
        chair_ids=[m.user_id for m in members if m.role == MemberRole.CHAIR],
    )
    planning_service.create_series(session, plan=plan, by=admin, today=today(), mail=mail)


def correct_the_verslag(
    session: Session, series: MeetingSeries, crypto: CaseCrypto, mail: MailContext
) -> None:
    chair = actor(session, "voorzitter@dorpsveen.example")
    meeting = meetings(session, MeetingStatus.MINUTES_FINAL)[0]
    membership = session.exec(
        select(SeriesMember).where(
            SeriesMember.series_id == series.id, SeriesMember.user_id == chair.user.id
        )
    ).one()
    minutes_flows.correct(
        session,
        access=SeriesAccess(series=series, user=chair.user, membership=membership),
        meeting=meeting,
        crypto=crypto,
        reason="Tikfout in de aanwezigheid hersteld.",
        by=chair,
        mail=mail,
    )


def drive_every_mail(session: Session, settings: Settings) -> None:
    """The demo, then each use case that mails and each reminder, as the app runs them."""
    crypto = CaseCrypto.from_settings(settings)
    mail = MailContext.of(settings)
    demo.seed_demo(session, crypto=crypto)
    series = session.exec(select(MeetingSeries)).one()
    admin = actor(session, "beheer@dorpsveen.example")

    plan_another_overleg(session, series, admin, mail)
    plan_changes(session, series, admin, mail)
    next_meeting = meetings(session, MeetingStatus.PLANNED)[0]
    later = meetings(session, MeetingStatus.PLANNED)[1]
    agenda_service.freeze(session, series=series, meeting=next_meeting, by=admin, mail=mail)
    planning_service.enqueue_deadline_reminders(session, today=later.agenda_deadline, mail=mail)
    correct_the_verslag(session, series, crypto, mail)

    organisation_id = admin.user.organisation_id
    invitation_service.invite_user(
        session,
        data=UserCreate(
            email="nieuw@dorpsveen.example",
            name="Nina Nieuw",
            organisation_id=organisation_id,
            is_participant=True,
        ),
        by=admin,
        mail=mail,
    )
    invitation_service.request_password_reset(
        session,
        email="wijkagent@politie.example",
        client_address="192.0.2.1",
        settings=settings,
        mail=mail,
    )

    last_due = max(session.exec(select(Task.due_on)).all())
    digest_day = last_due + timedelta(days=1)
    reminder_service.enqueue_weekly_digests(
        session, today=digest_day, weekday=digest_day.weekday(), mail=mail
    )
    reminder_service.enqueue_minutes_reminders(
        session,
        today=today(),
        target_working_days=settings.minutes_target_working_days,
        mail=mail,
    )


def forbidden_content(session: Session) -> set[str]:
    """Every casus text, reference and pseudonym, every task and meeting-record text, and the
    demo residents' identifying data in the ways a date is written."""
    texts: set[str | None] = set()
    for case in session.exec(select(Case)).all():
        texts |= {
            case.reference,
            case.pseudonym,
            case.reason,
            case.question,
            case.done_so_far,
            case.situation,
            case.escalation_reason,
            case.closed_reason,
        }
    for task in session.exec(select(Task)).all():
        texts |= {task.description, task.feedback}
    for record in session.exec(select(ItemRecord)).all():
        texts |= {
            record.discussion,
            record.decisions,
            record.dissent,
            record.outcome_reason,
            record.informing_how,
        }
    for person in DEMO_PEOPLE:
        born: date = person.birth_date
        texts |= {person.name, person.bsn, person.address, person.address.split(",")[0]}
        texts |= {
            born.isoformat(),
            born.strftime("%d-%m-%Y"),
            f"{born.day}-{born.month}-{born.year}",
        }
    return {text for text in texts if text and len(text) >= 4}


def readable(message: OutboxMessage) -> str:
    """Subject, body and attachment as a reader sees them (.ics lines unfolded)."""
    attachment = (message.attachment or "").replace("\r\n ", "").replace("\n ", "")
    return "\n".join((message.subject, message.body_text, attachment))


def test_no_e_mail_holds_casus_or_task_content_and_each_links_to_the_app(
    session: Session, settings: Settings
) -> None:
    drive_every_mail(session, settings)

    messages = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    forbidden = forbidden_content(session)
    leaks = {
        (message.subject, text)
        for message in messages
        for text in forbidden
        if text.casefold() in readable(message).casefold()
    }
    references = {
        (message.subject, found)
        for message in messages
        for found in REFERENCE.findall(readable(message))
    }
    app_links = (settings.base_url.rstrip("/") + "/", DEMO_MAIL.base_url.rstrip("/") + "/")
    without_link = [m.subject for m in messages if not any(a in m.body_text for a in app_links)]
    subjects = " | ".join(message.subject for message in messages)
    missing = [expected for expected in EXPECTED_SUBJECTS if expected not in subjects]
    assert missing == [] and len(forbidden) > 30
    assert leaks == set() and references == set() and without_link == []
