"""What the planning pages show, each in a fixed number of queries."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.covenants import coverage
from app.covenants import queries as covenant_queries
from app.covenants.models import Covenant, CovenantVersion
from app.organisations.models import Organisation
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MemberRole,
    SeriesMember,
    SeriesOrganisation,
    SeriesTable,
)
from app.security import permissions
from app.users.models import User

ROLE_ORDER = [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER]
UNSEATABLE = "Gekozen, maar kan niet aan deze tafel"


@dataclass(frozen=True)
class SeriesRow:
    series: MeetingSeries
    role: MemberRole | None
    next_meeting: Meeting | None


@dataclass(frozen=True)
class OrganisationPeople:
    """An organisation at the table with the people of it who can sit there."""

    organisation: Organisation
    people: list[User]


@dataclass(frozen=True)
class Unseatable:
    """Someone chosen who cannot sit at this table, and why: shown ticked, so the tick can go."""

    user: User
    reason: str


@dataclass(frozen=True)
class PlanChoices:
    covenants: list[Covenant]
    organisations: list[Organisation]
    groups: list[OrganisationPeople]
    unseatable: list[Unseatable]

    @property
    def covenant_options(self) -> list[tuple[int | None, str]]:
        return [(covenant.id, covenant.title) for covenant in self.covenants]

    @property
    def organisation_options(self) -> list[tuple[int | None, str]]:
        return [(organisation.id, organisation.name) for organisation in self.organisations]

    @property
    def seatable_ids(self) -> set[int | None]:
        """Everyone who can sit at the table of the chosen organisations."""
        return {person.id for group in self.groups for person in group.people}

    def person_groups(self, chosen: object) -> list[tuple[str, list[tuple[int | None, str]]]]:
        """The people per organisation, for a group of ticks; anyone among the chosen (a form
        value) who cannot sit at this table comes last, with why, so the tick can go."""
        groups = [
            (group.organisation.name, [(person.id, person.name) for person in group.people])
            for group in self.groups
        ]
        unseatable = self._unseatable_options(chosen)
        return groups + ([(UNSEATABLE, unseatable)] if unseatable else [])

    def person_options(self, chosen: object) -> list[tuple[int | None, str]]:
        """The same for a select: everyone who can sit at the table, then the chosen who cannot."""
        seatable = [
            (person.id, f"{person.name} ({group.organisation.name})")
            for group in self.groups
            for person in group.people
        ]
        return seatable + self._unseatable_options(chosen)

    def _unseatable_options(self, chosen: object) -> list[tuple[int | None, str]]:
        ids = {str(value) for value in (chosen if isinstance(chosen, list) else [chosen])}
        return [
            (u.user.id, f"{u.user.name} ({u.user.organisation.name}) {u.reason}")
            for u in self.unseatable
            if str(u.user.id) in ids
        ]


@dataclass(frozen=True)
class SeriesCoverage:
    """Today's coverage of an overleg's member organisations by its covenant, for warnings."""

    uncovered: list[coverage.Coverage]
    expiring: list[CovenantVersion]


@dataclass(frozen=True)
class SeriesOverview:
    series: MeetingSeries
    covenant: Covenant
    organisations: list[Organisation]
    coverage: SeriesCoverage
    members: list[tuple[SeriesMember, User]]
    upcoming: list[Meeting]
    past: list[Meeting]


def all_meetings(session: Session, *, series_ids: Sequence[int]) -> list[Meeting]:
    """Every meeting of these overleggen (for calendars), in order."""
    return list(
        session.exec(
            select(Meeting)
            .where(col(Meeting.series_id).in_(series_ids))
            .order_by(col(Meeting.starts_at))
        ).all()
    )


def _next_meetings(
    session: Session, series_ids: Sequence[int], now: datetime
) -> dict[int, Meeting]:
    upcoming = session.exec(
        select(Meeting)
        .where(
            col(Meeting.series_id).in_(series_ids),
            Meeting.ends_at > now,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(col(Meeting.starts_at).desc())
    ).all()
    # Newest first, so the earliest meeting of each overleg is written last and wins.
    return {meeting.series_id: meeting for meeting in upcoming}


def series_for(session: Session, *, user: User, now: datetime) -> list[SeriesRow]:
    """The overleggen the user sits at (a beheerder sees all), with the next meeting of each."""
    roles = dict(
        session.exec(
            select(SeriesMember.series_id, SeriesMember.role).where(SeriesMember.user_id == user.id)
        ).all()
    )
    statement = select(MeetingSeries).order_by(col(MeetingSeries.name))
    if not user.is_admin:
        statement = statement.where(col(MeetingSeries.id).in_(list(roles)))
    all_series = session.exec(statement).all()
    upcoming = _next_meetings(session, [s.id for s in all_series], now)
    return [SeriesRow(s, roles.get(s.id), upcoming.get(s.id)) for s in all_series]


def plan_choices(
    session: Session, *, organisation_ids: Collection[int], chosen: Collection[int]
) -> PlanChoices:
    """What the planning forms offer: covenants, active organisations, and per chosen
    organisation the people who can sit at its table; people chosen who cannot, with why."""
    organisations = list(
        session.exec(
            select(Organisation).where(col(Organisation.active)).order_by(col(Organisation.name))
        ).all()
    )
    users = session.exec(
        select(User)
        .where(col(User.organisation_id).in_(organisation_ids) | col(User.id).in_(chosen))
        .order_by(col(User.name))
    ).all()
    refusals = {
        user.id: permissions.why_not_at_table(user, organisation_ids=organisation_ids)
        for user in users
    }
    return PlanChoices(
        covenants=list(session.exec(select(Covenant).order_by(col(Covenant.title))).all()),
        organisations=organisations,
        groups=[
            OrganisationPeople(
                organisation,
                [u for u in users if u.organisation_id == organisation.id and not refusals[u.id]],
            )
            for organisation in organisations
            if organisation.id in organisation_ids
        ],
        unseatable=[
            Unseatable(user, reason)
            for user in users
            if user.id in chosen and (reason := refusals[user.id])
        ],
    )


def table_of(session: Session, *, series: MeetingSeries) -> SeriesTable:
    """Who sits at an overleg's table now, as the edit form shows it: every member among the
    members, chairs and the secretary also in their own fields."""
    organisation_ids = session.exec(
        select(SeriesOrganisation.organisation_id).where(SeriesOrganisation.series_id == series.id)
    ).all()
    members = session.exec(select(SeriesMember).where(SeriesMember.series_id == series.id)).all()
    # As stored, not validated: an overleg that lost its last chair still opens in the form.
    return SeriesTable.model_construct(
        organisation_ids=sorted(organisation_ids),
        member_ids=[m.user_id for m in members],
        chair_ids=[m.user_id for m in members if m.role == MemberRole.CHAIR],
        secretary_id=next((m.user_id for m in members if m.role == MemberRole.SECRETARY), None),
    )


def _coverage(
    session: Session, series: MeetingSeries, organisations: Sequence[Organisation], day: date
) -> SeriesCoverage:
    """Which member organisations the overleg's covenant does not cover on the day (and why),
    and the versions of it that expire soon; two statements."""
    inputs = covenant_queries.coverage_inputs(
        session,
        covenant_ids=[series.covenant_id],
        organisation_ids=[organisation.id for organisation in organisations if organisation.id],
    )
    answers = inputs.check(
        day,
        covenant_id=series.covenant_id,
        people=[
            coverage.Person(coverage.organisation_key(o.id), o.name, o.id)
            for o in organisations
            if o.id
        ],
    )
    return SeriesCoverage(
        uncovered=[answer for answer in answers if not answer.covered],
        expiring=coverage.expiring_versions(day, versions=inputs.versions),
    )


def member_organisations(session: Session, *, series_id: int) -> list[Organisation]:
    """The organisations at the overleg's table, in name order."""
    return list(
        session.exec(
            select(Organisation)
            .join(SeriesOrganisation)
            .where(SeriesOrganisation.series_id == series_id)
            .order_by(col(Organisation.name))
        ).all()
    )


def series_overview(
    session: Session, *, series: MeetingSeries, now: datetime, day: date
) -> SeriesOverview:
    """An overleg with its covenant and today's coverage by it, its table, and meetings to come
    and held."""
    organisations = member_organisations(session, series_id=series.id)
    members = session.exec(
        select(SeriesMember, User)
        .join(User, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == series.id)
        .order_by(col(User.name))
    ).all()
    members = sorted(members, key=lambda row: ROLE_ORDER.index(row[0].role))
    meetings = all_meetings(session, series_ids=[series.id])
    return SeriesOverview(
        series=series,
        covenant=session.get(Covenant, series.covenant_id),
        organisations=list(organisations),
        coverage=_coverage(session, series, organisations, day),
        members=members,
        upcoming=[m for m in meetings if m.ends_at > now],
        past=[m for m in reversed(meetings) if m.ends_at <= now],
    )
