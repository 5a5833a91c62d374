"""Organisation (organisatie / partner): who sits at the table."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow


class OrganisationKind(StrEnum):
    MUNICIPALITY = "gemeente"
    POLICE = "politie"
    SOCIAL_TEAM = "sociaal_team"
    HOUSING_CORPORATION = "woningcorporatie"
    SCHOOL_ATTENDANCE = "leerplicht"
    MENTAL_HEALTH_OUTREACH = "bemoeizorg_ggz"
    SOCIAL_WORK = "maatschappelijk_werk"
    WORK_AND_INCOME = "werk_en_inkomen"
    YOUTH_WORK = "jongerenwerk"
    PUBLIC_ORDER_AND_SAFETY = "oov"
    MAYOR = "burgemeester"
    PUBLIC_HEALTH = "ggd"
    VEILIG_THUIS = "veilig_thuis"
    SAFETY_HOUSE = "zorg_en_veiligheidshuis"
    OTHER = "anders"


ORGANISATION_KIND_LABELS: dict[str, str] = {
    OrganisationKind.MUNICIPALITY: "Gemeente",
    OrganisationKind.POLICE: "Politie",
    OrganisationKind.SOCIAL_TEAM: "Sociaal (wijk)team",
    OrganisationKind.HOUSING_CORPORATION: "Woningcorporatie",
    OrganisationKind.SCHOOL_ATTENDANCE: "Leerplicht",
    OrganisationKind.MENTAL_HEALTH_OUTREACH: "Bemoeizorg / GGZ",
    OrganisationKind.SOCIAL_WORK: "Algemeen maatschappelijk werk",
    OrganisationKind.WORK_AND_INCOME: "Werk & Inkomen",
    OrganisationKind.YOUTH_WORK: "Jongerenwerk",
    OrganisationKind.PUBLIC_ORDER_AND_SAFETY: "Openbare orde en veiligheid (OOV)",
    OrganisationKind.MAYOR: "Burgemeester",
    OrganisationKind.PUBLIC_HEALTH: "GGD",
    OrganisationKind.VEILIG_THUIS: "Veilig Thuis",
    OrganisationKind.SAFETY_HOUSE: "Zorg- en Veiligheidshuis",
    OrganisationKind.OTHER: "Anders",
}


class OrganisationBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    kind: OrganisationKind = Field(sa_type=string_enum(OrganisationKind))


class Organisation(OrganisationBase, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class OrganisationCreate(OrganisationBase):
    pass


class OrganisationUpdate(OrganisationBase):
    active: bool = True
