"""Demo data: the fictional municipality Dorpsveen (every password Casustafel-demo-2026)."""

from sqlmodel import Session, select

from app import audit
from app.audit import Actor
from app.organisations.models import Organisation, OrganisationKind
from app.security.passwords import hash_password
from app.users.models import User

DEMO_PASSWORD = "Casustafel-demo-2026"

DEMO_ORGANISATIONS = {
    "Gemeente Dorpsveen": OrganisationKind.MUNICIPALITY,
    "Politie, basisteam Dorpsveen": OrganisationKind.POLICE,
    "Sociaal team Dorpsveen": OrganisationKind.SOCIAL_TEAM,
    "Woonstichting Dorpsveen": OrganisationKind.HOUSING_CORPORATION,
}

# email, name, organisation, roles (is_admin, is_participant, is_privacy_officer)
DEMO_USERS = [
    ("beheer@dorpsveen.example", "Bea Beheer", "Gemeente Dorpsveen", (True, False, False)),
    (
        "voorzitter@dorpsveen.example",
        "Victor Voorzitter",
        "Gemeente Dorpsveen",
        (False, True, False),
    ),
    (
        "wijkagent@politie.example",
        "Wim Wijkagent",
        "Politie, basisteam Dorpsveen",
        (False, True, False),
    ),
    (
        "sociaalteam@dorpsveen.example",
        "Sanne Sociaal",
        "Sociaal team Dorpsveen",
        (False, True, False),
    ),
    (
        "woningcorporatie@wonen.example",
        "Wouter Wonen",
        "Woonstichting Dorpsveen",
        (False, True, False),
    ),
    ("fg@dorpsveen.example", "Fenna Gegevens", "Gemeente Dorpsveen", (False, False, True)),
]
DEMO_EMAILS = frozenset(email for email, *_ in DEMO_USERS)


class NotADemoDatabase(RuntimeError):
    """The database holds accounts that are not part of the demo: seeding would mix them."""


def is_empty(session: Session) -> bool:
    """Whether the database has no accounts at all."""
    return session.exec(select(User.id).limit(1)).first() is None


def seed_demo(session: Session) -> bool:
    """Load the demo into an empty database; False when it is already there."""
    emails = set(session.exec(select(User.email)).all())
    if emails - DEMO_EMAILS:
        raise NotADemoDatabase(
            "Deze database bevat gegevens die niet bij de demo horen; de demo wordt niet geladen."
        )
    if emails:
        return False
    organisations = {
        name: Organisation(name=name, kind=kind) for name, kind in DEMO_ORGANISATIONS.items()
    }
    session.add_all(organisations.values())
    session.flush()
    for email, name, organisation_name, (admin, participant, privacy) in DEMO_USERS:
        session.add(
            User(
                email=email,
                name=name,
                organisation_id=organisations[organisation_name].id,
                password_hash=hash_password(DEMO_PASSWORD),
                is_admin=admin,
                is_participant=participant,
                is_privacy_officer=privacy,
            )
        )
    audit.record(
        session,
        action="demo.geladen",
        actor=Actor(user=None, organisation_name=None, client_address="cli"),
        context="casustafel seed-demo",
    )
    session.commit()
    return True
