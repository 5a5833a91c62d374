"""A year and a half of an older overleg of Dorpsveen, the Casusoverleg Zorg en Veiligheid, so
the beleidsinformatie has figures to show: every four weeks a meeting with six to ten new
casussen (most anonymised, some identified, a few people brought again) and the open ones as
vervolg, attendance, owners, tasks done or carried forward, escalations, closings, and a verslag
vastgesteld (its PDF rendered as always) a few working days later.

Everything goes through the use cases, on the day it happened where a use case takes the day;
what a use case stamps with the clock (submitted, created, the mails it queued) is moved back to
that day afterwards. The mails the history queued went out back then: they are marked sent, so
a worker does not send them now. Deterministic: one seeded random generator."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app import demo
from app import demo_history_story as story
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import (
    AgeBand,
    AnonymisedFields,
    CaseCategory,
    CaseEvent,
    CaseSubmission,
    Consent,
    EscalationBody,
    IdentifiedFields,
    LegalBasis,
)
from app.covenants.models import Covenant, CovenantSignature, CovenantVersion
from app.db import today, utcnow
from app.demo_meeting import DEMO_MAIL
from app.mail.models import OutboxMessage, OutboxStatus
from app.meetings import queries as live_queries
from app.meetings import service as live_service
from app.meetings.models import Informing, NextStep, Presence
from app.minutes import flows as minutes_flows
from app.organisations.models import Organisation
from app.overleg import service as planning_service
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, MemberRole, SeriesKind, SeriesMember
from app.overleg.schedule import at_local_time, local, next_working_day
from app.security.crypto import CaseCrypto
from app.tasks import service as task_service
from app.tasks.models import NotDoneReason, Task, TaskCreate, TaskFeedback, TaskStatus
from app.users.models import User


@dataclass
class Course:
    """How a casus of the history goes: closed (and perhaps escalated) at a meeting number."""

    closes_at: int
    escalates_at: int | None = None
    person: int | None = None


@dataclass
class History:
    """What the history run keeps track of from one meeting to the next."""

    rng: random.Random
    series: MeetingSeries
    users: dict[str, User]
    crypto: CaseCrypto
    access: SeriesAccess
    inbox: Meeting
    courses: dict[int, Course] = field(default_factory=dict)
    # Per open task: how many more times it is carried forward before it is done.
    carries: dict[int, int] = field(default_factory=dict)
    # People with an open casus are not brought again until it is closed.
    busy: set[int] = field(default_factory=set)


def seed_history(session: Session, *, crypto: CaseCrypto) -> None:
    """Load the older overleg and hold its meetings of the past eighteen months."""
    rng = random.Random(story.SEED)
    organisations = _organisations(session)
    users = demo.seed_accounts(session, organisations, demo.HISTORY_USERS)
    series = _series(session, organisations, users, _covenant(session, organisations))
    chair = users[story.CHAIR]
    membership = session.exec(
        select(SeriesMember).where(
            SeriesMember.series_id == series.id, SeriesMember.user_id == chair.id
        )
    ).one()
    meetings = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()
    held = [m for m in meetings if m.starts_at < utcnow()]
    inbox = next(m for m in meetings if m.starts_at > utcnow())
    history = History(
        rng=rng,
        series=series,
        users=users,
        crypto=crypto,
        access=SeriesAccess(series=series, user=chair, membership=membership),
        inbox=inbox,
    )
    for number, meeting in enumerate(held):
        _hold(session, history, number, meeting, last=number == len(held) - 1)
    _report_back(session, history, on=today() - timedelta(days=1))
    case_service.add_follow_ups(session, meeting=inbox, by=_actor(chair))


def _actor(user: User) -> Actor:
    return Actor(user=user, organisation_name=user.organisation.name, client_address="demo")


def _organisations(session: Session) -> dict[str, Organisation]:
    new = [Organisation(name=name, kind=kind) for name, kind in story.HISTORY_ORGANISATIONS.items()]
    session.add_all(new)
    session.flush()
    existing = session.exec(
        select(Organisation).where(col(Organisation.name).in_(list(demo.DEMO_ORGANISATIONS)))
    ).all()
    return {o.name: o for o in [*existing, *new]}


def _start_day() -> date:
    """The first meeting's day, so that the last was 8 to 14 days ago: its tasks due within a
    week are overdue, and no meeting lies unheld in the past."""
    last = today() - timedelta(days=8)
    last -= timedelta(days=(last.weekday() - story.WEEKDAY) % 7)
    return last - timedelta(weeks=4 * (story.MEETINGS - 1))


def _covenant(session: Session, organisations: dict[str, Organisation]) -> Covenant:
    covenant = Covenant(title=story.HISTORY_COVENANT)
    session.add(covenant)
    session.flush()
    start = _start_day()
    version = CovenantVersion(
        covenant_id=covenant.id,
        label="1.0",
        established_on=date(start.year - 1, 11, 1),
        in_force_from=date(start.year - 1, 12, 1),
    )
    session.add(version)
    session.flush()
    session.add_all(
        CovenantSignature(
            version_id=version.id,
            organisation_id=organisations[name].id,
            signed_on=date(start.year - 1, 11, 20),
            signatory_name="namens de directie",
            signatory_function="directeur",
        )
        for name in story.TABLE_ORGANISATIONS
        if name != story.UNSIGNED
    )
    return covenant


def _series(
    session: Session,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    covenant: Covenant,
) -> MeetingSeries:
    series = MeetingSeries(
        name=story.HISTORY_SERIES,
        kind=SeriesKind.CASE_MEETING,
        covenant_id=covenant.id,
        default_location="Politiebureau Dorpsveen, vergaderzaal",
        interval_weeks=4,
        weekday=story.WEEKDAY,
        start_time=time(13, 30),
        duration_minutes=150,
        starts_on=_start_day(),
        deadline_working_days=5,
    )
    roles = {story.CHAIR: MemberRole.CHAIR, story.SECRETARY: MemberRole.SECRETARY}
    table = {email: roles.get(email, MemberRole.MEMBER) for email, *_ in demo.HISTORY_USERS}
    demo.seat_table(
        session, series, [organisations[n] for n in story.TABLE_ORGANISATIONS], users, table
    )
    existing: set[date | None] = set()
    for planned_from in (series.starts_on, series.starts_on + timedelta(days=270), today()):
        new = planning_service.missing_meetings(series, today=planned_from, existing=existing)
        existing |= {m.occurrence_date for m in new}
        session.add_all(new)
    session.commit()
    return series


def _hold(session: Session, history: History, number: int, meeting: Meeting, last: bool) -> None:
    """One meeting: the casussen brought for it, the follow-ups, attendance, the review of
    earlier tasks, each casus discussed, the meeting finished and (later) its verslag."""
    day = local(meeting.starts_at).date()
    chair = _actor(history.users[story.CHAIR])
    new = [_submit(session, history, number, meeting) for _ in range(history.rng.randint(6, 10))]
    _report_back(session, history, on=day - timedelta(days=2))
    mark = _marks(session)
    case_service.add_follow_ups(session, meeting=meeting, by=chair)
    live_service.start(session, meeting=meeting, confidentiality_read=True, today=day, by=chair)
    _attendance(session, history, meeting)
    _review(session, history, meeting)
    items = session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None))
        .order_by(col(AgendaItem.position))
    ).all()
    for item in items:
        _discuss(session, history, number, meeting, item, is_new=item.case_id in new)
    live = live_queries.load(session, access=history.access, meeting=meeting)
    live_service.finish(
        session,
        series=history.series,
        meeting=meeting,
        by=chair,
        mail=DEMO_MAIL,
        anonymous_item_ids=live.anonymous_item_ids,
    )
    _backdate(session, mark, meeting.ends_at)
    if not last:
        _finalise(session, history, number, meeting)


def _submit(session: Session, history: History, number: int, meeting: Meeting) -> int:
    """A partner brings a casus a week or two before the meeting; it is submitted for the coming
    meeting of today's calendar (the use case takes no meeting in the past), then moved."""
    rng = history.rng
    categories = [story.pick(rng, story.CATEGORIES)]
    if rng.random() < 0.3:
        categories = list(dict.fromkeys([*categories, story.pick(rng, story.CATEGORIES)]))
    reason, question = story.TEXTS[categories[0]]
    person = _free_person(history) if rng.random() < story.IDENTIFIED_SHARE else None
    band = (
        _band_of(story.RESIDENTS[person].birth_date)
        if person is not None
        else rng.choice(list(AgeBand) if categories[0] in story.ABOUT_MINORS else list(AgeBand)[2:])
    )
    submission = CaseSubmission(
        meeting_id=history.inbox.id,
        pseudonym=f"{story.AGE_WORDS[band]}, {categories[0]}",
        categories=categories,
        identified=person is not None,
        children_involved=CaseCategory.CHILD_ABUSE in categories or band == AgeBand.CHILD,
        urgency=story.pick(rng, story.URGENCIES),
        reason=reason,
        question=story.QUESTIONS[question],
    )
    submitted_on = meeting.agenda_deadline - timedelta(days=rng.randint(0, 14))
    case = case_service.submit_case(
        session,
        series=history.series,
        data=submission,
        people=[story.RESIDENTS[person]] if person is not None else [],
        details=IdentifiedFields(consent=Consent.NOT_ASKED, legal_basis=LegalBasis.COVENANT)
        if person is not None
        else AnonymisedFields(age_band=band, situation=reason),
        crypto=history.crypto,
        by=_actor(history.users[story.pick(rng, story.SUBMITTERS)]),
        today=submitted_on,
    )
    assert case.id is not None
    moment = at_local_time(submitted_on, time(rng.randint(8, 16), rng.randint(0, 59)))
    case.meeting_id, case.submitted_at = meeting.id, moment
    session.add(case)
    on_agenda = select(func.count(col(AgendaItem.id))).where(AgendaItem.meeting_id == meeting.id)
    session.execute(
        update(AgendaItem)
        .where(col(AgendaItem.case_id) == case.id)
        .values(meeting_id=meeting.id, position=session.exec(on_agenda).one() + 1)
    )
    session.execute(
        update(CaseEvent).where(col(CaseEvent.case_id) == case.id).values(occurred_at=moment)
    )
    session.commit()
    history.courses[case.id] = _course(rng, number, categories[0], person)
    if person is not None:
        history.busy.add(person)
    return case.id


def _band_of(born: date) -> AgeBand:
    age = today().year - born.year
    bands = [AgeBand.CHILD, AgeBand.TEEN, AgeBand.YOUNG_ADULT, AgeBand.ADULT, AgeBand.MIDDLE_AGED]
    return next(
        (b for b, upto in zip(bands, (12, 18, 27, 46, 67), strict=True) if age < upto),
        AgeBand.SENIOR,
    )


def _free_person(history: History) -> int | None:
    free = [p for p in range(len(story.RESIDENTS)) if p not in history.busy]
    return history.rng.choice(free) if free else None


def _course(rng: random.Random, number: int, category: CaseCategory, person: int | None) -> Course:
    escalates_at = number + rng.randint(0, 1) if rng.random() < story.ESCALATED_SHARE else None
    closes_at = number + rng.choice([1, 1, 1, 1, 2, 2, 2, 3, 4, 5, 6])
    if escalates_at is not None:
        closes_at = max(closes_at, escalates_at + 2)
    return Course(closes_at=closes_at, escalates_at=escalates_at, person=person)


def _attendance(session: Session, history: History, meeting: Meeting) -> None:
    """The chair is there; each other member mostly, sometimes absent with or without notice."""
    rng = history.rng
    presences = {Presence.PRESENT: 82, Presence.EXCUSED: 12, Presence.ABSENT: 6}
    changes = {
        user.id: (None, Presence.PRESENT if email == story.CHAIR else story.pick(rng, presences))
        for email, user in history.users.items()
        if user.id is not None
    }
    live_service.set_attendance(
        session, meeting=meeting, changes=changes, by=_actor(history.users[story.CHAIR])
    )


def _review(session: Session, history: History, meeting: Meeting) -> None:
    """The terugkoppeling on the open tasks of earlier meetings: done, or carried forward."""
    chair = _actor(history.users[story.CHAIR])
    open_tasks = session.exec(
        select(Task)
        .where(
            Task.series_id == history.series.id,
            Task.status == TaskStatus.OPEN,
            Task.meeting_id != meeting.id,
        )
        .order_by(col(Task.id))
    ).all()
    for task in open_tasks:
        assert task.id is not None
        carried = history.carries.get(task.id, 0)
        history.carries[task.id] = carried - 1
        task_service.review(
            session,
            meeting=meeting,
            task=task,
            done=carried <= 0,
            reason=history.rng.choice(list(NotDoneReason)) if carried > 0 else None,
            by=chair,
        )


def _report_back(session: Session, history: History, on: date) -> None:
    """Before the meeting, assignees report half of their tasks done themselves."""
    open_tasks = session.exec(
        select(Task)
        .where(Task.series_id == history.series.id, Task.status == TaskStatus.OPEN)
        .order_by(col(Task.id))
    ).all()
    for task in open_tasks:
        if task.id in history.carries and history.carries[task.id] > 0:
            continue
        if task.assignee_user_id is None or history.rng.random() < 0.4:
            continue
        assignee = session.get(User, task.assignee_user_id)
        assert assignee is not None
        done = task_service.report_back(
            session,
            task=task,
            by=_actor(assignee),
            data=TaskFeedback(feedback="Gedaan; besproken met de betrokken partners."),
        )
        done.feedback_at = at_local_time(on, time(11, 0))
        session.add(done)
    session.commit()


def _discuss(
    session: Session,
    history: History,
    number: int,
    meeting: Meeting,
    item: AgendaItem,
    *,
    is_new: bool,
) -> None:
    """One casus at the table: an owner the first time, the next step, perhaps a task."""
    rng, chair = history.rng, _actor(history.users[story.CHAIR])
    case = case_service.case_by_id(session, case_id=item.case_id)
    course = history.courses[case.id]
    owner = history.users[story.OWNERS[CaseCategory(case.categories.split("|")[0])]]
    if is_new:
        case_service.set_owner(
            session, case=case, organisation_id=owner.organisation_id, user_id=owner.id, by=chair
        )
        _text(session, meeting, item, "decisions", rng.choice(story.DECISIONS), chair)
    step, body = NextStep.NEXT_MEETING, None
    if course.escalates_at == number:
        step = NextStep.ESCALATE
        body = (
            EscalationBody.VEILIG_THUIS
            if case.categories.split("|")[0]
            in (CaseCategory.DOMESTIC_VIOLENCE, CaseCategory.CHILD_ABUSE)
            else EscalationBody.SAFETY_HOUSE
        )
        _text(session, meeting, item, "outcome_reason", "Zware problematiek; regie daar.", chair)
    elif course.closes_at <= number:
        step = NextStep.CLOSE
        _text(session, meeting, item, "outcome_reason", "Hulp loopt; het doel is bereikt.", chair)
        if course.person is not None:
            history.busy.discard(course.person)
    live_service.save_outcome(
        session,
        meeting=meeting,
        item=item,
        version=live_service.record_of(session, item=item).version,
        next_step=step,
        next_step_date=None,
        escalation_body=body,
        informing=rng.choice(list(Informing)),
        by=chair,
    )
    if step != NextStep.CLOSE and rng.random() < (0.85 if is_new else 0.25):
        _task(session, history, meeting, item, owner)


def _text(
    session: Session, meeting: Meeting, item: AgendaItem, name: str, value: str, by: Actor
) -> None:
    record = live_service.record_of(session, item=item)
    live_service.save_text(
        session,
        meeting=meeting,
        item=item,
        field=name,
        value=value,
        based_on=live_service.fingerprint(getattr(record, name)),
        by=by,
    )


def _task(
    session: Session, history: History, meeting: Meeting, item: AgendaItem, owner: User
) -> None:
    """A task for the owner, due at the next meeting or in a week; its fate decided now."""
    rng = history.rng
    day = local(meeting.starts_at).date()
    task = task_service.add_task(
        session,
        meeting=meeting,
        item=item,
        by=_actor(history.users[story.CHAIR]),
        data=TaskCreate(
            description=rng.choice(
                ["Huisbezoek afleggen", "Hulpaanbod bespreken", "Partners informeren"]
            ),
            due_on=day + timedelta(days=7) if rng.random() < 0.4 else None,
            assignee_organisation_id=owner.organisation_id,
            assignee_user_id=owner.id,
        ),
    )
    assert task.id is not None
    roll = rng.random()
    history.carries[task.id] = 99 if roll < story.STUCK_SHARE else 1 if roll < 0.2 else 0


def _finalise(session: Session, history: History, number: int, meeting: Meeting) -> None:
    """The chair vaststelt the verslag within ten working days, one meeting in six late."""
    rng = history.rng
    day = local(meeting.starts_at).date()
    late = number % story.LATE_MINUTES_EVERY == story.LATE_MINUTES_EVERY - 2
    for _ in range(rng.randint(12, 20) if late else rng.randint(2, 9)):
        day = next_working_day(day)
    at = at_local_time(day, time(16, 0))
    mark = _marks(session)
    minutes_flows.finalise(
        session,
        access=history.access,
        meeting=meeting,
        crypto=history.crypto,
        by=_actor(history.users[story.CHAIR]),
        mail=DEMO_MAIL,
        at=at,
    )
    _backdate(session, mark, at)


@dataclass(frozen=True)
class Marks:
    """The last task and mail before a step, to move what the step stamped back in time."""

    task: int
    mail: int


def _marks(session: Session) -> Marks:
    return Marks(
        task=session.exec(select(func.max(Task.id))).one() or 0,
        mail=session.exec(select(func.max(OutboxMessage.id))).one() or 0,
    )


def _backdate(session: Session, mark: Marks, moment: datetime) -> None:
    """Tasks agreed and mails queued since the mark happened at that moment; the mails went out
    then (they are not sent again now)."""
    session.execute(update(Task).where(col(Task.id) > mark.task).values(created_at=moment))
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) > mark.mail)
        .values(
            status=OutboxStatus.SENT,
            attempts=1,
            created_at=moment,
            next_attempt_at=moment,
            sent_at=moment,
        )
    )
    session.commit()
