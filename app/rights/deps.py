"""The register is the FG's: anyone else does not learn it exists (404)."""

from typing import Annotated

from fastapi import Depends

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.rights.models import RightsRequest
from app.security import permissions
from app.security.deps import CurrentUser
from app.users.models import User


async def privacy_officer(user: CurrentUser) -> User:
    """The FG; anyone else gets 404."""
    if not permissions.can_handle_rights_requests(user):
        raise NotFound
    return user


PrivacyOfficer = Annotated[User, Depends(privacy_officer)]


def request_or_404(request_id: RowId, session: SessionDep, _: PrivacyOfficer) -> RightsRequest:
    """A request in the register."""
    found = session.get(RightsRequest, request_id)
    if found is None:
        raise NotFound
    return found


RequestDep = Annotated[RightsRequest, Depends(request_or_404)]
