"""Load a user from the path for an account manager: 403 for anyone else, 404 if not found."""

from typing import Annotated

from fastapi import Depends

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.security.deps import AccountManager
from app.users.models import User


def user_or_404(user_id: RowId, session: SessionDep, _: AccountManager) -> User:
    """An account; whoever may not manage accounts gets the same 403 whether or not it exists
    (the permission is a sub-dependency, so it is checked before the id is even parsed)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound
    return user


UserDep = Annotated[User, Depends(user_or_404)]
