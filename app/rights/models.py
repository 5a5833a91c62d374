"""Rights requests (AVG art. 15-21): one register for all partners of an overleg, the FG's."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import field_validator, model_validator
from sqlalchemy import LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app import bounds
from app.cases.models import checked_bsn
from app.db import MAX_ROW_ID, string_enum, utcnow

# Art. 12(3): within one month, extendable by two more months with a reason.
FIRST_TERM_MONTHS = 1
EXTENSION_MONTHS = 2


class RequestKind(StrEnum):
    ACCESS = "inzage"
    RECTIFICATION = "rectificatie"
    ERASURE = "wissing"
    RESTRICTION = "beperking"
    OBJECTION = "bezwaar"


class RequestStatus(StrEnum):
    OPEN = "in behandeling"
    GRANTED = "toegewezen"
    PARTLY_GRANTED = "deels toegewezen"
    REFUSED = "afgewezen"


class RightsRequest(SQLModel, table=True):
    """One request of a resident; the person it is about is kept only as blind indexes."""

    __tablename__ = "rights_request"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    kind: RequestKind = Field(sa_type=string_enum(RequestKind))
    received_on: date
    deadline: date
    extension_reason: str | None = Field(default=None, max_length=1000)
    identity_verification: str = Field(max_length=500)
    status: RequestStatus = Field(default=RequestStatus.OPEN, sa_type=string_enum(RequestStatus))
    decision: str = Field(default="", sa_type=Text)
    handled_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    handled_on: date | None = None
    registered_by_user_id: int = Field(foreign_key="app_user.id")
    registered_at: datetime = Field(default_factory=utcnow)
    subject_bsn_index: str | None = Field(default=None, max_length=64)
    subject_name_birth_index: str | None = Field(default=None, max_length=64)
    # The inzage-overzicht as marked final: the bytes the resident gets, kept with the request.
    overview_pdf: bytes | None = Field(default=None, sa_type=LargeBinary)
    overview_final_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def has_subject(self) -> bool:
        return self.subject_bsn_index is not None or self.subject_name_birth_index is not None

    def overdue_on(self, day: date) -> bool:
        return self.is_open and day > self.deadline


class OverviewRedaction(SQLModel, table=True):
    """A part of the inzage-overzicht the FG left out, with the reason (e.g. Wpg)."""

    __tablename__ = "rights_redaction"
    __table_args__ = (UniqueConstraint("request_id", "part"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="rights_request.id", index=True)
    part: str = Field(max_length=40)
    reason: str = Field(max_length=1000)


class RequestRegistration(SQLModel):
    kind: RequestKind
    received_on: date
    identity_verification: str = Field(min_length=5, max_length=500)

    _day = field_validator("received_on")(bounds.planning_day)

    @field_validator("received_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("De ontvangstdatum ligt in de toekomst.")
        return value


class Extension(SQLModel):
    extension_reason: str = Field(min_length=10, max_length=1000)


class Decision(SQLModel):
    status: RequestStatus
    decision: str = Field(min_length=5, max_length=5000)

    @field_validator("status")
    @classmethod
    def _decided(cls, value: RequestStatus) -> RequestStatus:
        if value == RequestStatus.OPEN:
            raise ValueError("Kies een besluit.")
        return value


class Redaction(SQLModel):
    part: str = Field(min_length=3, max_length=40, regex=r"^(bijdrage|besluit|taak)-\d{1,9}$")
    redaction_reason: str = Field(min_length=5, max_length=1000)


class PersonSearch(SQLModel):
    """By BSN, or by name and birth date: exact matches only."""

    bsn: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=200)
    birth_date: date | None = None

    _born = field_validator("birth_date")(bounds.birth_date)

    _bsn = field_validator("bsn")(checked_bsn)

    @model_validator(mode="after")
    def _bsn_or_name_and_birth_date(self) -> "PersonSearch":
        if self.bsn is None and not (self.name and self.birth_date):
            raise ValueError("Vul een BSN in, of een naam met een geboortedatum.")
        return self


class RectifiedField(StrEnum):
    NAME = "naam"
    BIRTH_DATE = "geboortedatum"
    BSN = "bsn"
    ADDRESS = "adres"


class Erasure(SQLModel):
    erased_case_id: int = Field(ge=1, le=MAX_ROW_ID)
    erasure_reason: str = Field(min_length=5, max_length=1000)


class Rectification(SQLModel):
    person: str = Field(regex=r"^\d{1,9}-\d{1,3}$")
    field: RectifiedField
    value: str = Field(min_length=1, max_length=300)
    rectification_reason: str = Field(min_length=5, max_length=1000)

    @property
    def case_id(self) -> int:
        return int(self.person.split("-")[0])

    @property
    def position(self) -> int:
        return int(self.person.split("-")[1])
