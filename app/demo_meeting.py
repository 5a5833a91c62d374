"""The demo's last meeting, run the way a chair runs one: attendance, the Woonstichting out of
the room for the identified casussen, discussion, owners, tasks, one escalation, finished, and
its verslag vastgesteld."""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import Case, EscalationBody
from app.db import today
from app.meetings import queries as live_queries
from app.meetings import service as live_service
from app.meetings.models import Informing, NextStep, Presence
from app.minutes import flows as minutes_flows
from app.overleg.access import SeriesAccess
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.overleg.schedule import at_local_time, local, recurrence_dates
from app.security.crypto import CaseCrypto
from app.tasks import service as task_service
from app.tasks.models import TaskCreate, TaskFeedback
from app.users.models import User

DEMO_MAIL = MailContext(base_url="http://127.0.0.1:8000", sender="casustafel@dorpsveen.example")
PRESENT = [
    "voorzitter@dorpsveen.example",
    "beheer@dorpsveen.example",
    "wijkagent@politie.example",
    "sociaalteam@dorpsveen.example",
    "woningcorporatie@wonen.example",
]


def _actor(user: User) -> Actor:
    return Actor(user=user, organisation_name=user.organisation.name, client_address="demo")


def _last_rule_day(series: MeetingSeries) -> date:
    """The latest meeting day of the recurrence at least a week ago (so a task can be overdue)."""
    days = recurrence_dates(
        starts_on=series.starts_on,
        weekday=series.weekday,
        interval_weeks=series.interval_weeks,
        ends_on=series.ends_on,
        until=today() - timedelta(days=7),
    )
    return days[-1]


def _past_meeting(session: Session, series: MeetingSeries) -> Meeting:
    day = _last_rule_day(series)
    starts = at_local_time(day, series.start_time)
    meeting = Meeting(
        series_id=series.id,
        occurrence_date=day,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=series.duration_minutes),
        location=series.default_location,
        agenda_deadline=day - timedelta(days=7),
    )
    session.add(meeting)
    session.commit()
    return meeting


def _move_to(session: Session, meeting: Meeting, cases: list[Case]) -> list[AgendaItem]:
    """The casussen were brought for this meeting: they and their agenda items move there."""
    items = session.exec(
        select(AgendaItem).where(col(AgendaItem.case_id).in_([c.id for c in cases]))
    ).all()
    for case in cases:
        case.meeting_id = meeting.id
        session.add(case)
    for item in items:
        item.meeting_id = meeting.id
        session.add(item)
    session.commit()
    return sorted(items, key=lambda i: [c.id for c in cases].index(i.case_id))


def _record(
    session: Session,
    meeting: Meeting,
    item: AgendaItem,
    chair: Actor,
    texts: dict[str, str],
    step: NextStep,
    body: EscalationBody | None = None,
) -> None:
    for field, value in texts.items():
        record = live_service.record_of(session, item=item)
        live_service.save_text(
            session,
            meeting=meeting,
            item=item,
            field=field,
            value=value,
            based_on=live_service.fingerprint(getattr(record, field)),
            by=chair,
        )
    record = live_service.record_of(session, item=item)
    live_service.save_outcome(
        session,
        meeting=meeting,
        item=item,
        version=record.version,
        next_step=step,
        next_step_date=None,
        escalation_body=body,
        informing=Informing.WILL_INFORM,
        by=chair,
    )


def run_last_meeting(
    session: Session,
    *,
    series: MeetingSeries,
    users: dict[str, User],
    crypto: CaseCrypto,
    discussed: list[Case],
    next_meeting: Meeting,
) -> None:
    """Hold the most recent past meeting over the given casussen and bring them back as vervolg."""
    chair_user = users["voorzitter@dorpsveen.example"]
    chair = _actor(chair_user)
    meeting = _past_meeting(session, series)
    kees, mother, debts, youth = _move_to(session, meeting, discussed)
    live_service.start(
        session,
        meeting=meeting,
        confidentiality_read=True,
        today=local(meeting.starts_at).date(),
        by=chair,
    )
    for email in PRESENT:
        live_service.set_presence(
            session, meeting=meeting, user_id=users[email].id, presence=Presence.PRESENT, by=chair
        )
    housing = next(
        a
        for a in live_queries.attendance_rows(session, meeting=meeting)
        if a.user_id == users["woningcorporatie@wonen.example"].id
    )
    for item in (kees, mother, debts):
        live_service.set_left_room(session, item=item, attendance=housing, left=True, by=chair)
    police, social = users["wijkagent@politie.example"], users["sociaalteam@dorpsveen.example"]
    municipality = users["beheer@dorpsveen.example"]
    for item, owner in ((kees, police), (mother, social), (youth, police)):
        case_service.set_owner(
            session,
            case=case_service.case_by_id(session, case_id=item.case_id),
            organisation_id=owner.organisation_id,
            user_id=owner.id,
            by=chair,
        )
    _record(
        session,
        meeting,
        kees,
        chair,
        {
            "discussion": "Politie: drie meldingen van overlast. Gemeente: bekend bij de GGD.",
            "decisions": "Politie legt huisbezoek af; de GGD wordt gevraagd mee te kijken.",
        },
        NextStep.NEXT_MEETING,
    )
    _record(
        session,
        meeting,
        mother,
        chair,
        {
            "discussion": "Sociaal team: moeder wil hulp; de ex-partner heeft een contactverbod.",
            "decisions": "Sociaal team maakt met moeder een veiligheidsplan.",
        },
        NextStep.NEXT_MEETING,
    )
    _record(
        session,
        meeting,
        debts,
        chair,
        {
            "discussion": "Gemeente: zes maanden huurachterstand, meerdere schuldeisers.",
            "outcome_reason": "Meervoudige problematiek; regie via het Zorg- en Veiligheidshuis.",
        },
        NextStep.ESCALATE,
        EscalationBody.SAFETY_HOUSE,
    )
    _record(
        session,
        meeting,
        youth,
        chair,
        {"discussion": "Politie: vier aanhoudingen. School meldt verzuim."},
        NextStep.NEXT_MEETING,
    )
    day = meeting.starts_at.date()
    tasks = [
        (kees, "Huisbezoek afleggen en zorgen in kaart brengen", police, day + timedelta(days=3)),
        (kees, "GGD vragen om een beoordeling", municipality, None),
        (mother, "Veiligheidsplan opstellen met moeder", social, None),
        (debts, "Dossier overdragen aan het Zorg- en Veiligheidshuis", municipality, None),
        (youth, "Gesprek met school en ouders", police, None),
    ]
    created = []
    for item, description, person, due in tasks:
        created.append(
            task_service.add_task(
                session,
                meeting=meeting,
                item=item,
                by=chair,
                data=TaskCreate(
                    description=description,
                    due_on=due,
                    assignee_organisation_id=person.organisation_id,
                    assignee_user_id=person.id,
                ),
            )
        )
    access = SeriesAccess(
        series=series,
        user=chair_user,
        membership=session.exec(
            select(SeriesMember).where(SeriesMember.user_id == chair_user.id)
        ).first(),
    )
    live = live_queries.load(session, access=access, meeting=meeting)
    live_service.finish(
        session,
        series=series,
        meeting=meeting,
        by=chair,
        mail=DEMO_MAIL,
        anonymous_item_ids=live.anonymous_item_ids,
    )
    for task, person, feedback in (
        (created[2], social, "Plan gemaakt en besproken met moeder."),
        (created[3], municipality, "Dossier is overgedragen."),
    ):
        task_service.report_back(
            session, task=task, by=_actor(person), data=TaskFeedback(feedback=feedback)
        )
    minutes_flows.finalise(
        session, access=access, meeting=meeting, crypto=crypto, by=chair, mail=DEMO_MAIL
    )
    case_service.add_follow_ups(session, meeting=next_meeting, by=chair)
