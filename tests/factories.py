"""Small factories: make_x(session, **overrides) -> a stored x."""

import itertools
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.covenants.models import Covenant, CovenantDocument, CovenantSignature, CovenantVersion
from app.db import today
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


def make_covenant(
    session: Session,
    *,
    in_force_from: date | None = None,
    in_force_until: date | None = None,
    signed_by: tuple[int, ...] = (),
) -> tuple[Covenant, CovenantVersion]:
    """A covenant with one version (in force from a year ago by default), signed by the given
    organisations a month before it came into force."""
    start = in_force_from or today() - timedelta(days=365)
    covenant = Covenant(title=f"Convenant {next(_counter)}")
    session.add(covenant)
    session.flush()
    version = CovenantVersion(
        covenant_id=covenant.id,
        label="1.0",
        established_on=start - timedelta(days=60),
        in_force_from=start,
        in_force_until=in_force_until,
    )
    session.add(version)
    session.flush()
    session.add(
        CovenantDocument(
            version_id=version.id, filename="c.pdf", size=3, sha256="0" * 64, content=b"pdf"
        )
    )
    for organisation_id in signed_by:
        session.add(
            CovenantSignature(
                version_id=version.id,
                organisation_id=organisation_id,
                signed_on=start - timedelta(days=30),
                signatory_name="A. Tekenaar",
                signatory_function="directeur",
            )
        )
    session.commit()
    return covenant, version
