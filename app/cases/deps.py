"""Load the casussen of an overleg from the path: only its members may know they exist (404
for anyone else)."""

from typing import Annotated

from fastapi import Depends

from app.cases.models import Case
from app.db import RowId, SessionDep
from app.errors import NotFound
from app.overleg.access import SeriesAccess
from app.overleg.deps import SeriesDep
from app.security import permissions


def member_access(access: SeriesDep) -> SeriesAccess:
    """Only members of the overleg may know its casussen exist (404 for anyone else)."""
    if not permissions.can_see_case(access.user, access.membership):
        raise NotFound
    return access


CaseMemberDep = Annotated[SeriesAccess, Depends(member_access)]


def case_or_404(case_id: RowId, session: SessionDep, access: CaseMemberDep) -> Case:
    """A casus of this overleg."""
    case = session.get(Case, case_id)
    if case is None or case.series_id != access.series.id:
        raise NotFound
    return case


CaseDep = Annotated[Case, Depends(case_or_404)]
