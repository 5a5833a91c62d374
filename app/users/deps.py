"""Load a user from the path, or 404."""

from typing import Annotated

from fastapi import Depends

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.users.models import User


def user_or_404(user_id: RowId, session: SessionDep) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound
    return user


UserDep = Annotated[User, Depends(user_or_404)]
