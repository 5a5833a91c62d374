"""What the planning pages show, each in a fixed number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.covenants.models import Covenant
from app.organisations.models import Organisation
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MemberRole,
    SeriesMember,
    SeriesOrganisation,
)
from app.users.models import User

ROLE_ORDER = [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER]


@dataclass(frozen=True)
class SeriesRow:
    series: MeetingSeries
    role: MemberRole | None
    next_meeting: Meeting | None


@dataclass(frozen=True)
class PlanChoices:
    covenants: list[Covenant]
    organisations: list[Organisation]
    users: list[User]

    @property
    def covenant_options(self) -> list[tuple[int | None, str]]:
        return [(covenant.id, covenant.title) for covenant in self.covenants]

    @property
    def organisation_options(self) -> list[tuple[int | None, str]]:
        return [(organisation.id, organisation.name) for organisation in self.organisations]

    @property
    def person_options(self) -> list[tuple[int | None, str]]:
        return [(user.id, f"{user.name} ({user.organisation.name})") for user in self.users]


@dataclass(frozen=True)
class SeriesOverview:
    series: MeetingSeries
    covenant: Covenant
    organisations: list[Organisation]
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


def plan_choices(session: Session) -> PlanChoices:
    """What the planning form offers: covenants, active organisations and active people."""
    return PlanChoices(
        covenants=list(session.exec(select(Covenant).order_by(col(Covenant.title))).all()),
        organisations=list(
            session.exec(
                select(Organisation)
                .where(col(Organisation.active))
                .order_by(col(Organisation.name))
            ).all()
        ),
        users=list(
            session.exec(select(User).where(col(User.active)).order_by(col(User.name))).all()
        ),
    )


def series_overview(session: Session, *, series: MeetingSeries, now: datetime) -> SeriesOverview:
    """An overleg with its covenant, table, and meetings to come and held."""
    organisations = session.exec(
        select(Organisation)
        .join(SeriesOrganisation)
        .where(SeriesOrganisation.series_id == series.id)
        .order_by(col(Organisation.name))
    ).all()
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
        members=members,
        upcoming=[m for m in meetings if m.ends_at > now],
        past=[m for m in reversed(meetings) if m.ends_at <= now],
    )
