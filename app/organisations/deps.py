"""Load an organisation from the path, or 404."""

from typing import Annotated

from fastapi import Depends

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.organisations.models import Organisation


def organisation_or_404(organisation_id: RowId, session: SessionDep) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound
    return organisation


OrganisationDep = Annotated[Organisation, Depends(organisation_or_404)]
