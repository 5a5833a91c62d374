"""Load an overleg or meeting from the path with the user's membership; 404 for outsiders."""

from typing import Annotated

from fastapi import Depends
from sqlmodel import col, select

from app.db import RowId, SessionDep
from app.errors import Forbidden, NotFound
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.security import permissions
from app.security.deps import CurrentUser


def series_access(series_id: RowId, session: SessionDep, user: CurrentUser) -> SeriesAccess:
    row = session.exec(
        select(MeetingSeries, SeriesMember)
        .outerjoin(
            SeriesMember,
            (col(SeriesMember.series_id) == MeetingSeries.id) & (SeriesMember.user_id == user.id),
        )
        .where(MeetingSeries.id == series_id)
    ).first()
    if row is None:
        raise NotFound
    series, membership = row
    if not permissions.can_see_series(user, membership):
        raise NotFound
    return SeriesAccess(series=series, user=user, membership=membership)


SeriesDep = Annotated[SeriesAccess, Depends(series_access)]


# Pure checks on what is already loaded run on the event loop: no thread hop per request.
async def planner_access(access: SeriesDep) -> SeriesAccess:
    if not access.can_plan:
        raise Forbidden
    return access


PlannerDep = Annotated[SeriesAccess, Depends(planner_access)]


async def chair_access(access: SeriesDep) -> SeriesAccess:
    if not access.can_run:
        raise Forbidden
    return access


ChairDep = Annotated[SeriesAccess, Depends(chair_access)]


def meeting_or_404(meeting_id: RowId, access: SeriesDep, session: SessionDep) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id != access.series.id:
        raise NotFound
    return meeting


MeetingDep = Annotated[Meeting, Depends(meeting_or_404)]
