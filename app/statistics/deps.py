"""Who may see the Beleidsinformatie, and of which overleggen."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import col, select

from app.db import SessionDep
from app.errors import NotFound
from app.overleg.models import MeetingSeries, SeriesMember
from app.security import permissions
from app.security.deps import CurrentUser
from app.users.models import User


@dataclass(frozen=True)
class StatisticsViewer:
    """The viewer and the overleggen (id, name) whose figures they may see."""

    user: User
    series: list[tuple[int, str]]

    @property
    def series_ids(self) -> set[int]:
        return {series_id for series_id, _ in self.series}


def statistics_viewer(session: SessionDep, user: CurrentUser) -> StatisticsViewer:
    """The overleggen the user may see figures of (one statement); nobody's: a 404."""
    rows = session.exec(
        select(MeetingSeries.id, MeetingSeries.name, SeriesMember)
        .outerjoin(
            SeriesMember,
            (col(SeriesMember.series_id) == MeetingSeries.id) & (SeriesMember.user_id == user.id),
        )
        .order_by(col(MeetingSeries.name))
    ).all()
    series = [
        (series_id, name)
        for series_id, name, membership in rows
        if series_id is not None and permissions.can_see_series_statistics(user, membership)
    ]
    if not series and not permissions.can_see_all_statistics(user):
        raise NotFound
    return StatisticsViewer(user=user, series=series)


StatisticsViewerDep = Annotated[StatisticsViewer, Depends(statistics_viewer)]
