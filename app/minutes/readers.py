"""Who may read which verslag: the current user's reading rights on one meeting, the
uittreksels of a casus, the latest verslag per overleg; the rules are in permissions.py."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.cases.models import Case
from app.meetings import queries as live_queries
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesMember
from app.security import permissions
from app.users.models import User

RECORDED = (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED, MeetingStatus.MINUTES_FINAL)


class Reader:
    """What the current user may read of this meeting's minutes; whether they attended is
    looked up once, and only when the answer depends on it."""

    def __init__(self, session: Session, access: SeriesAccess, meeting: Meeting) -> None:
        self._session, self._meeting = session, meeting
        self.access = access

    @cached_property
    def _attended_covered(self) -> bool:
        return self._meeting.status in RECORDED and live_queries.attended_covered(
            self._session, access=self.access, meeting=self._meeting
        )

    @property
    def minutes(self) -> bool:
        return permissions.can_read_minutes(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
        )

    def excerpt(self, submitting_organisation_id: int) -> bool:
        return permissions.can_read_excerpt(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
            submitting_organisation_id=submitting_organisation_id,
        )

    def actions(self, organisation_id: int) -> bool:
        return permissions.can_read_actions(
            self.access.user,
            self.access.membership,
            attended_covered=lambda: self._attended_covered,
            organisation_id=organisation_id,
        )


@dataclass(frozen=True)
class Excerpt:
    """Where this casus was discussed, for a link to its uittreksel."""

    meeting: Meeting
    item_id: int


def excerpts_of_case(session: Session, *, access: SeriesAccess, case: Case) -> list[Excerpt]:
    """The uittreksels about this casus that the user may download, oldest meeting first."""
    rows = session.exec(
        select(Meeting, AgendaItem.id)
        .join(AgendaItem, col(AgendaItem.meeting_id) == Meeting.id)
        .where(AgendaItem.case_id == case.id, col(Meeting.status).in_(RECORDED))
        .order_by(col(Meeting.starts_at))
    ).all()

    @cache
    def attended() -> set[int]:
        return live_queries.attended_covered_at(
            session,
            user=access.user,
            meetings=[meeting for meeting, _ in rows],
            covenant_of={access.series.id: access.series.covenant_id},
        )

    return [
        Excerpt(meeting=meeting, item_id=item_id)
        for meeting, item_id in rows
        if permissions.can_read_excerpt(
            access.user,
            access.membership,
            attended_covered=lambda meeting=meeting: meeting.id in attended(),
            submitting_organisation_id=case.submitting_organisation_id,
        )
    ]


def latest_readable(
    session: Session, *, user: User, series: Sequence[MeetingSeries]
) -> dict[int, Meeting]:
    """Per overleg, its latest vastgestelde verslag if the user may read it (for the start
    page); a fixed number of statements however many overleggen."""
    series_ids = [s.id for s in series]
    if not series_ids:
        return {}
    latest = (
        select(Meeting.series_id, func.max(Meeting.starts_at).label("starts_at"))
        .where(
            col(Meeting.series_id).in_(series_ids),
            Meeting.status == MeetingStatus.MINUTES_FINAL,
        )
        .group_by(col(Meeting.series_id))
        .subquery()
    )
    meetings = session.exec(
        select(Meeting).join(
            latest,
            (col(Meeting.series_id) == latest.c.series_id)
            & (col(Meeting.starts_at) == latest.c.starts_at),
        )
    ).all()
    if not meetings:
        return {}
    memberships = {
        m.series_id: m
        for m in session.exec(
            select(SeriesMember).where(
                SeriesMember.user_id == user.id, col(SeriesMember.series_id).in_(series_ids)
            )
        )
    }

    @cache
    def attended() -> set[int]:
        return live_queries.attended_covered_at(
            session,
            user=user,
            meetings=meetings,
            covenant_of={s.id: s.covenant_id for s in series if s.id is not None},
        )

    return {
        meeting.series_id: meeting
        for meeting in meetings
        if permissions.can_read_minutes(
            user,
            memberships.get(meeting.series_id),
            attended_covered=lambda meeting=meeting: meeting.id in attended(),
        )
    }
