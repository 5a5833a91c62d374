"""Small factories: make_x(session, **overrides) -> a stored x."""

import itertools
from typing import Any

from sqlmodel import Session

from app.organisations.models import Organisation, OrganisationKind
from app.security.passwords import hash_password
from app.users.models import User

PASSWORD = "een-lang-testwachtwoord"
_PASSWORD_HASH = hash_password(PASSWORD)
_counter = itertools.count(1)


def make_organisation(session: Session, **overrides: Any) -> Organisation:
    values: dict[str, Any] = {
        "name": f"Organisatie {next(_counter)}",
        "kind": OrganisationKind.SOCIAL_TEAM,
    }
    organisation = Organisation(**(values | overrides))
    session.add(organisation)
    session.commit()
    return organisation


def make_user(session: Session, **overrides: Any) -> User:
    if "organisation_id" not in overrides:
        overrides["organisation_id"] = make_organisation(session).id
    values: dict[str, Any] = {
        "email": f"persoon{next(_counter)}@partner.example",
        "name": "Pim Partner",
        "password_hash": _PASSWORD_HASH,
        "is_participant": True,
    }
    user = User(**(values | overrides))
    session.add(user)
    session.commit()
    return user
