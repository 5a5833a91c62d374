"""Demo data: the fictional municipality Dorpsveen (every password Casustafel-demo-2026)."""

import hashlib
from collections.abc import Iterable
from datetime import date, time, timedelta
from functools import lru_cache

from sqlmodel import Session, select

from app import audit, demo_cases
from app.audit import Actor
from app.contacts.models import ContactCard
from app.covenants.models import (
    Covenant,
    CovenantDocument,
    CovenantSignature,
    CovenantVersion,
    DeclarationText,
)
from app.db import today
from app.organisations.models import Organisation, OrganisationKind
from app.overleg import service as planning_service
from app.overleg.models import (
    MeetingSeries,
    MemberRole,
    SeriesKind,
    SeriesMember,
    SeriesOrganisation,
)
from app.pdf import render_pdf
from app.rights import service as rights_service
from app.rights.models import RequestKind, RequestRegistration
from app.security.crypto import CaseCrypto
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
    # The beleidsmedewerker plans the overleg and sits at its table for the municipality.
    ("beheer@dorpsveen.example", "Bea Beheer", "Gemeente Dorpsveen", (True, True, False)),
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
DemoAccount = tuple[str, str, str, tuple[bool, bool, bool]]
# The people of the older overleg whose history app/demo_history.py loads (all participants).
HISTORY_USERS = [
    (email, name, organisation, (False, True, False))
    for email, name, organisation in (
        ("casusregie@dorpsveen.example", "Carla Casusregie", "Gemeente Dorpsveen"),
        ("notulist@dorpsveen.example", "Nico Notulist", "Gemeente Dorpsveen"),
        ("recherche@politie.example", "Rik Recherche", "Politie, basisteam Dorpsveen"),
        ("schuldhulp@dorpsveen.example", "Sara Schuldhulp", "Sociaal team Dorpsveen"),
        ("huurzaken@wonen.example", "Hanneke Huurzaken", "Woonstichting Dorpsveen"),
        ("bemoeizorg@ggz-veenland.example", "Gijs Bemoeizorg", "GGZ Veenland, bemoeizorg"),
        ("leerplicht@veenland.example", "Lotte Leerplicht", "Leerplicht Veenland"),
        ("jongerenwerk@dorpsveen.example", "Jesse Jongerenwerk", "Jongerenwerk Dorpsveen"),
    )
]
DEMO_EMAILS = frozenset(email for email, *_ in DEMO_USERS + HISTORY_USERS)

DEMO_COVENANT = "Privacyconvenant Zorg en Veiligheid Dorpsveen 2026"
# organisation, signed on, signatory, function; the Woonstichting has not signed.
DEMO_SIGNATURES = [
    ("Gemeente Dorpsveen", date(2025, 12, 15), "M. de Burgemeester", "burgemeester"),
    ("Politie, basisteam Dorpsveen", date(2025, 12, 18), "P. Teamchef", "teamchef basisteam"),
    ("Sociaal team Dorpsveen", date(2026, 1, 8), "S. Manager", "manager sociaal team"),
]
DEMO_SERIES = "Integraal overleg Dorpsveen"
# Who sits at the table: the chair, and the members of the four partner organisations.
DEMO_TABLE = {
    "voorzitter@dorpsveen.example": MemberRole.CHAIR,
    "beheer@dorpsveen.example": MemberRole.MEMBER,
    "wijkagent@politie.example": MemberRole.MEMBER,
    "sociaalteam@dorpsveen.example": MemberRole.MEMBER,
    "woningcorporatie@wonen.example": MemberRole.MEMBER,
}
# The demo's contact cards (app/contacts): email -> function, phone, bereikbaarheid. The phone
# numbers are "drama numbers" that will never be given to anyone: the Bundesnetzagentur keeps
# +49 30 23125 000-999 for fiction (Mitteilung 148/2021); no Dutch range is known to be kept so.
DEMO_CONTACTS = {
    "beheer@dorpsveen.example": (
        "beleidsmedewerker zorg en veiligheid",
        "+493023125010",
        "ma, di en do 8:30–17:00",
    ),
    "voorzitter@dorpsveen.example": (
        "teamleider zorg en veiligheid",
        "+493023125020",
        "ma–vr 9:00–17:00; op vergaderdagen na 12:00",
    ),
    "wijkagent@politie.example": (
        "wijkagent Dorpsveen-Noord",
        "+493023125030",
        "wisselende diensten; bij spoed altijd via de meldkamer",
    ),
    "sociaalteam@dorpsveen.example": (
        "casusregisseur sociaal team",
        "+493023125040",
        "ma–do 8:30–17:00; inloopspreekuur wo 9:00–11:00",
    ),
    "woningcorporatie@wonen.example": (
        "woonconsulent",
        "+493023125050",
        "di–vr 9:00–16:30",
    ),
}
# Bea Beheer is on leave for two weeks; Victor Voorzitter stands in for her meanwhile.
DEMO_AWAY = ("beheer@dorpsveen.example", "voorzitter@dorpsveen.example", timedelta(days=14))
DEMO_DECLARATION = (
    "Ik verklaar dat ik alles wat ik tijdens dit overleg hoor of lees over inwoners en hun "
    "situatie geheimhoud. Ik gebruik die informatie alleen voor het doel van dit overleg, "
    "maak er geen aantekeningen van die ik buiten het overleg bewaar en deel haar met niemand "
    "buiten het overleg. Deze verklaring geldt voor deze ene bijeenkomst."
)


class NotADemoDatabase(RuntimeError):
    """The database holds accounts that are not part of the demo: seeding would mix them."""


def is_empty(session: Session) -> bool:
    """Whether the database has no accounts at all."""
    return session.exec(select(User.id).limit(1)).first() is None


def seed_demo(session: Session, *, crypto: CaseCrypto) -> bool:
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
    users = seed_accounts(session, organisations, DEMO_USERS)
    covenant = _seed_covenant(session, organisations)
    series = _seed_overleg(session, organisations, users, covenant)
    _seed_contact_cards(session, users)
    audit.record(
        session,
        action="demo.geladen",
        actor=Actor(user=None, organisation_name=None, client_address="cli"),
        context="casustafel seed-demo",
    )
    session.commit()
    # The casussen go through the real use cases (encryption, blind index, repeat detection).
    demo_cases.seed_cases(session, series=series, users=users, crypto=crypto)
    _seed_rights_request(session, users["fg@dorpsveen.example"])
    return True


def _seed_contact_cards(session: Session, users: dict[str, User]) -> None:
    """Function, phone and bereikbaarheid of the people at the table; one of them away."""
    away, deputy, leave = DEMO_AWAY
    for email, (function, phone, availability) in DEMO_CONTACTS.items():
        card = ContactCard(
            user_id=users[email].id, function=function, phone=phone, availability=availability
        )
        if email == away:
            card.deputy_user_id, card.away_until = users[deputy].id, today() + leave
        session.add(card)


def _seed_rights_request(session: Session, fg: User) -> None:
    """Kees Wildeboer asked at the desk what is held about him: an inzageverzoek for the FG."""
    request = RequestRegistration(
        kind=RequestKind.ACCESS,
        received_on=today() - timedelta(days=10),
        identity_verification="Paspoort getoond aan de balie van het gemeentehuis",
    )
    actor = Actor(user=fg, organisation_name=fg.organisation.name, client_address="cli")
    rights_service.register(session, data=request, by=actor)


def seed_accounts(
    session: Session, organisations: dict[str, Organisation], accounts: list[DemoAccount]
) -> dict[str, User]:
    """The demo's accounts, each with the demo password."""
    users = {}
    for email, name, organisation_name, (admin, participant, privacy) in accounts:
        users[email] = User(
            email=email,
            name=name,
            organisation_id=organisations[organisation_name].id,
            password_hash=hash_password(DEMO_PASSWORD),
            is_admin=admin,
            is_participant=participant,
            is_privacy_officer=privacy,
        )
    session.add_all(users.values())
    session.flush()
    return users


def _seed_covenant(session: Session, organisations: dict[str, Organisation]) -> Covenant:
    covenant = Covenant(title=DEMO_COVENANT)
    session.add(covenant)
    session.flush()
    version = CovenantVersion(
        covenant_id=covenant.id,
        label="1.0",
        established_on=date(2025, 12, 1),
        in_force_from=date(2026, 1, 1),
        in_force_until=date(2027, 12, 31),
    )
    session.add(version)
    session.flush()
    pdf = demo_covenant_pdf()
    session.add(
        CovenantDocument(
            version_id=version.id,
            filename="privacyconvenant-dorpsveen-2026.pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            content=pdf,
        )
    )
    for organisation_name, signed_on, signatory, function in DEMO_SIGNATURES:
        session.add(
            CovenantSignature(
                version_id=version.id,
                organisation_id=organisations[organisation_name].id,
                signed_on=signed_on,
                signatory_name=signatory,
                signatory_function=function,
            )
        )
    session.add(DeclarationText(version=1, text=DEMO_DECLARATION))
    return covenant


def _seed_overleg(
    session: Session,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    covenant: Covenant,
) -> MeetingSeries:
    series = MeetingSeries(
        name=DEMO_SERIES,
        kind=SeriesKind.INTEGRAL,
        covenant_id=covenant.id,
        default_location="Gemeentehuis Dorpsveen, raadszaal",
        interval_weeks=4,
        weekday=1,
        start_time=time(9, 30),
        duration_minutes=120,
        starts_on=date(2026, 1, 6),
        deadline_working_days=5,
    )
    seat_table(session, series, organisations.values(), users, DEMO_TABLE)
    session.add_all(planning_service.missing_meetings(series, today=today(), existing=set()))
    return series


def seat_table(
    session: Session,
    series: MeetingSeries,
    organisations: Iterable[Organisation],
    users: dict[str, User],
    table: dict[str, MemberRole],
) -> None:
    """Store the overleg with its organisations and the people at its table."""
    session.add(series)
    session.flush()
    session.add_all(
        SeriesOrganisation(series_id=series.id, organisation_id=o.id) for o in organisations
    )
    session.add_all(
        SeriesMember(series_id=series.id, user_id=users[email].id, role=role)
        for email, role in table.items()
    )


@lru_cache(maxsize=1)
def demo_covenant_pdf() -> bytes:
    """A short, real PDF standing in for the signed covenant."""
    return render_pdf(
        "print/demo_covenant.html", {"title": DEMO_COVENANT, "parties": list(DEMO_ORGANISATIONS)}
    )
