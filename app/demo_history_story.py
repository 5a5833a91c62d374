"""What the demo's history tells: the older overleg's table, what kinds of casussen come to it
and how often, who takes them on, the words used, and the fictitious residents (obviously made
up) of whom a few are brought to the table twice. See app/demo_history.py for the run."""

import itertools
import random
from datetime import date
from typing import TypeVar

from app import demo
from app.cases.models import AgeBand, CaseCategory, PersonData, Urgency
from app.organisations.models import OrganisationKind

SEED = 20260117
HISTORY_SERIES = "Casusoverleg Zorg en Veiligheid Dorpsveen"
HISTORY_COVENANT = "Convenant Zorg en Veiligheid Veenland"
# Every four weeks on Wednesday afternoon: twenty meetings, a year and a half.
MEETINGS = 20
WEEKDAY = 2
HISTORY_ORGANISATIONS = {
    "GGZ Veenland, bemoeizorg": OrganisationKind.MENTAL_HEALTH_OUTREACH,
    "Leerplicht Veenland": OrganisationKind.SCHOOL_ATTENDANCE,
    "Jongerenwerk Dorpsveen": OrganisationKind.YOUTH_WORK,
}
# Jongerenwerk sits at the table without having signed: when it is in the room, an identified
# casus is discussed anonymously.
UNSIGNED = "Jongerenwerk Dorpsveen"
TABLE_ORGANISATIONS = [*list(demo.DEMO_ORGANISATIONS), *HISTORY_ORGANISATIONS]
CHAIR, SECRETARY = "casusregie@dorpsveen.example", "notulist@dorpsveen.example"
# Who brings casussen, how often (relative weights).
SUBMITTERS = {
    "recherche@politie.example": 30,
    "schuldhulp@dorpsveen.example": 24,
    "huurzaken@wonen.example": 14,
    "bemoeizorg@ggz-veenland.example": 14,
    "leerplicht@veenland.example": 8,
    "jongerenwerk@dorpsveen.example": 6,
    CHAIR: 4,
}
CATEGORIES = {
    CaseCategory.DOMESTIC_VIOLENCE: 18,
    CaseCategory.NUISANCE: 16,
    CaseCategory.CONFUSED_BEHAVIOUR: 14,
    CaseCategory.DEBT_EVICTION: 12,
    CaseCategory.ADDICTION: 10,
    CaseCategory.YOUTH_CRIME: 8,
    CaseCategory.HOARDING: 6,
    CaseCategory.NEGLECT: 5,
    CaseCategory.CHILD_ABUSE: 4,
    CaseCategory.OTHER: 5,
    CaseCategory.RADICALISATION: 1,
}
URGENCIES = {Urgency.REGULAR: 72, Urgency.URGENT: 22, Urgency.CRISIS: 6}
# Who usually takes a casus of this kind on (the first category decides).
OWNERS = {
    CaseCategory.DOMESTIC_VIOLENCE: "schuldhulp@dorpsveen.example",
    CaseCategory.CHILD_ABUSE: "schuldhulp@dorpsveen.example",
    CaseCategory.NEGLECT: "schuldhulp@dorpsveen.example",
    CaseCategory.DEBT_EVICTION: "huurzaken@wonen.example",
    CaseCategory.HOARDING: "huurzaken@wonen.example",
    CaseCategory.NUISANCE: "recherche@politie.example",
    CaseCategory.RADICALISATION: "recherche@politie.example",
    CaseCategory.CONFUSED_BEHAVIOUR: "bemoeizorg@ggz-veenland.example",
    CaseCategory.ADDICTION: "bemoeizorg@ggz-veenland.example",
    CaseCategory.YOUTH_CRIME: "leerplicht@veenland.example",
    CaseCategory.OTHER: "schuldhulp@dorpsveen.example",
}
# What brought the casus to the table and what the table is asked (no personal data).
TEXTS = {
    CaseCategory.DOMESTIC_VIOLENCE: ("Meldingen van huiselijk geweld in het gezin.", "veiligheid"),
    CaseCategory.CHILD_ABUSE: ("School maakt zich zorgen over de veiligheid van een kind.", "zorg"),
    CaseCategory.NEGLECT: ("De woning en de verzorging gaan achteruit.", "zorg"),
    CaseCategory.DEBT_EVICTION: ("Oplopende huurachterstand; ontruiming dreigt.", "woning"),
    CaseCategory.HOARDING: ("Bij een inspectie bleek de woning ernstig vervuild.", "woning"),
    CaseCategory.NUISANCE: ("Buren melden aanhoudende overlast.", "veiligheid"),
    CaseCategory.RADICALISATION: ("Signalen van radicalisering uit de omgeving.", "veiligheid"),
    CaseCategory.CONFUSED_BEHAVIOUR: ("Herhaalde meldingen van verward gedrag.", "zorg"),
    CaseCategory.ADDICTION: ("Zorgen over middelengebruik en de gevolgen thuis.", "zorg"),
    CaseCategory.YOUTH_CRIME: ("Aanhoudingen en schoolverzuim van een jongere.", "school"),
    CaseCategory.OTHER: ("Meerdere partners hebben losse signalen.", "zorg"),
}
QUESTIONS = {
    "veiligheid": "Hoe zorgen we samen voor veiligheid, en wie neemt de regie?",
    "zorg": "Wie kan contact leggen en beoordelen welke hulp nodig is?",
    "woning": "Kan het overleg een uitzetting of escalatie voorkomen?",
    "school": "Wie pakt dit op met school en ouders?",
}
# Casussen of these kinds may be about a child or a teenager; the others are about adults.
ABOUT_MINORS = (
    CaseCategory.DOMESTIC_VIOLENCE,
    CaseCategory.CHILD_ABUSE,
    CaseCategory.NEGLECT,
    CaseCategory.YOUTH_CRIME,
    CaseCategory.OTHER,
)
AGE_WORDS = {
    AgeBand.CHILD: "Kind",
    AgeBand.TEEN: "Jongere",
    AgeBand.YOUNG_ADULT: "Jongvolwassene",
    AgeBand.ADULT: "Volwassene",
    AgeBand.MIDDLE_AGED: "Bewoner",
    AgeBand.SENIOR: "Oudere",
}
DECISIONS = [
    "De casus-eigenaar legt huisbezoek af en koppelt terug.",
    "Partners delen hun signalen met de casus-eigenaar; die stelt een plan op.",
    "De casus-eigenaar belegt een gesprek met de betrokken partners.",
]
# Fictitious residents of Dorpsveen, obviously made up; some are brought to the table twice.
FIRST_NAMES = ["Anna", "Bert", "Carin", "Dirk", "Els", "Frank", "Greet", "Hans", "Ilse", "Joop"]
SURNAMES = ["Voorbeeld", "Proefsloot", "Oefenveen", "Testerink", "Nepveld", "Demokamp"]


def _residents() -> tuple[PersonData, ...]:
    rng = random.Random(SEED)
    return tuple(
        PersonData(
            name=f"{first} {surname}",
            birth_date=date(rng.randint(1950, 2012), rng.randint(1, 12), rng.randint(1, 28)),
            address=f"Voorbeeldstraat {number}, Dorpsveen",
        )
        for number, (first, surname) in enumerate(itertools.product(FIRST_NAMES, SURNAMES), 1)
    )


RESIDENTS = _residents()
IDENTIFIED_SHARE = 0.25
ESCALATED_SHARE = 0.08
STUCK_SHARE = 0.04
LATE_MINUTES_EVERY = 6
Choice = TypeVar("Choice")


def pick(rng: random.Random, weights: dict[Choice, int]) -> Choice:
    """One of the choices, as often as its weight says."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
