"""Load an organisation from the path for an account manager: 403 for anyone else, 404 if not
found."""

from typing import Annotated

from fastapi import Depends

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.organisations.models import Organisation
from app.security.deps import AccountManager


def organisation_or_404(
    organisation_id: RowId, session: SessionDep, _: AccountManager
) -> Organisation:
    """An organisation; whoever may not manage them gets the same 403 whether or not it exists
    (the permission is a sub-dependency, so it is checked before the id is even parsed)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound
    return organisation


OrganisationDep = Annotated[Organisation, Depends(organisation_or_404)]
