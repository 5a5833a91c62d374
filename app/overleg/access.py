"""An overleg as the current user may see it: a plain value, usable outside web requests."""

from dataclasses import dataclass

from app.overleg.models import MeetingSeries, SeriesMember
from app.security import permissions
from app.users.models import User


@dataclass(frozen=True)
class SeriesAccess:
    """An overleg as the current user may see it, with their place at its table (if any)."""

    series: MeetingSeries
    user: User
    membership: SeriesMember | None

    @property
    def can_run(self) -> bool:
        return permissions.can_run_meetings(self.user, self.membership)

    @property
    def can_plan(self) -> bool:
        return permissions.can_plan(self.user)
