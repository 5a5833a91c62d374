"""Casus (Case): a resident or household discussed, identified or anonymised."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import string_enum, utcnow

# The reason of an escalation or closing, however it is decided (on the casus page or by
# finishing a meeting): the columns hold no more.
REASON_LENGTH = 2000


class CaseCategory(StrEnum):
    DOMESTIC_VIOLENCE = "huiselijk geweld"
    CHILD_ABUSE = "kindermishandeling"
    ADDICTION = "verslaving"
    NEGLECT = "verwaarlozing"
    NUISANCE = "overlast"
    CONFUSED_BEHAVIOUR = "verward gedrag"
    HOARDING = "woningvervuiling"
    DEBT_EVICTION = "schulden / huisuitzetting"
    YOUTH_CRIME = "jeugdcriminaliteit"
    RADICALISATION = "radicalisering"
    OTHER = "anders"


class Urgency(StrEnum):
    REGULAR = "regulier"
    URGENT = "urgent"
    CRISIS = "spoed"


class Consent(StrEnum):
    OBTAINED = "verkregen"
    NOT_ASKED = "niet gevraagd"
    REFUSED = "geweigerd"


class LegalBasis(StrEnum):
    CONSENT = "toestemming"
    LEGAL_TASK = "wettelijke taak"
    VITAL_INTEREST = "vitaal belang"
    COVENANT = "convenant"


class AgeBand(StrEnum):
    CHILD = "0-11 jaar"
    TEEN = "12-17 jaar"
    YOUNG_ADULT = "18-26 jaar"
    ADULT = "27-45 jaar"
    MIDDLE_AGED = "46-66 jaar"
    SENIOR = "67 jaar en ouder"


class CaseStatus(StrEnum):
    SUBMITTED = "aangemeld"
    IN_PROGRESS = "in behandeling"
    ESCALATED = "opgeschaald"
    CLOSED = "afgesloten"
    WITHDRAWN = "ingetrokken"


# Nothing more happens to a casus in these: closed by the chair, or withdrawn by its submitter.
ENDED = (CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


class EscalationBody(StrEnum):
    SAFETY_HOUSE = "Zorg- en Veiligheidshuis"
    VEILIG_THUIS = "Veilig Thuis"
    OTHER = "andere instantie"


class Case(SQLModel, table=True):
    """What every casus holds; identified persons are apart, encrypted (CasePerson)."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("series_id", "reference"),
        # The dashboard's figures read these columns from the index (migration 0022).
        Index(
            "ix_case_file_statistics",
            "series_id",
            "submitted_at",
            "accepted",
            "status",
            "closed_on",
            "escalated_on",
            "escalated_to",
            "urgency",
            "submitting_organisation_id",
            "repeat_of_case_id",
            "categories",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    reference: str = Field(max_length=20)
    year: int
    number: int
    pseudonym: str = Field(max_length=100)
    categories: str = Field(max_length=500)
    children_involved: bool = False
    urgency: Urgency = Field(sa_type=string_enum(Urgency))
    reason: str = Field(sa_type=Text)
    question: str = Field(sa_type=Text)
    done_so_far: str = Field(default="", sa_type=Text)
    involved_organisations: str = Field(default="", max_length=500)
    identified: bool
    age_band: AgeBand | None = Field(default=None, sa_type=string_enum(AgeBand))
    situation: str = Field(default="", sa_type=Text)
    consent: Consent | None = Field(default=None, sa_type=string_enum(Consent))
    legal_basis: LegalBasis | None = Field(default=None, sa_type=string_enum(LegalBasis))
    submitting_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    submitted_by_user_id: int = Field(foreign_key="app_user.id")
    submitted_at: datetime = Field(default_factory=utcnow)
    late: bool = False
    accepted: bool = True
    status: CaseStatus = Field(default=CaseStatus.SUBMITTED, sa_type=string_enum(CaseStatus))
    owner_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    owner_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    escalated_to: EscalationBody | None = Field(default=None, sa_type=string_enum(EscalationBody))
    escalated_on: date | None = None
    escalation_reason: str | None = Field(default=None, max_length=REASON_LENGTH)
    closed_on: date | None = None
    closed_reason: str | None = Field(default=None, max_length=REASON_LENGTH)
    repeat_of_case_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    last_discussed_on: date | None = None
    # Bewaartermijn: an extension keeps the casus at least until this day; once purged, only
    # a content-free tombstone is left (see app/retention/purge.py).
    kept_until: date | None = None
    kept_reason: str | None = Field(default=None, max_length=2000)
    purged_on: date | None = None
    version: int = 1

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split("|") if c]


class CasePerson(SQLModel, table=True):
    """An identified person of a casus: every identifying field encrypted, plus keyed hashes
    (blind indexes) so an earlier casus about the same person is found without decrypting.
    Each ciphertext is bound to its field and to this row (`person_row`): a changed case_id or
    position needs the values encrypted again."""

    __tablename__ = "case_person"
    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        # The dashboard's figures read these columns from the index (migration 0022).
        Index("ix_case_person_blind_indexes", "case_id", "bsn_index", "name_birth_index"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    position: int
    name_encrypted: str = Field(sa_type=Text)
    birth_date_encrypted: str = Field(sa_type=Text)
    bsn_encrypted: str | None = Field(default=None, sa_type=Text)
    address_encrypted: str = Field(sa_type=Text)
    bsn_index: str | None = Field(default=None, max_length=64, index=True)
    name_birth_index: str = Field(max_length=64, index=True)


def person_row(case_id: int, position: int) -> str:
    """What a person's ciphertexts are bound to beside their field: person `position` of casus
    `case_id` (unique per casus, and known before the row is inserted)."""
    return f"case_person:{case_id}:{position}"


class CaseEvent(SQLModel, table=True):
    """One line of a casus' timeline; never holds identifying data."""

    __tablename__ = "case_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    occurred_at: datetime = Field(default_factory=utcnow)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    description: str = Field(max_length=2000)


def _as_list(value: object) -> object:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


class CaseBase(SQLModel):
    """What the submission form always asks, and a correction may change."""

    pseudonym: str = Field(min_length=2, max_length=100)
    categories: list[CaseCategory] = Field(min_length=1)
    children_involved: bool = False
    urgency: Urgency = Urgency.REGULAR
    reason: str = Field(min_length=10, max_length=5000)
    question: str = Field(min_length=10, max_length=5000)
    done_so_far: str = Field(default="", max_length=5000)
    involved_organisations: str = Field(default="", max_length=500)

    _lists = field_validator("categories", mode="before")(_as_list)

    @field_validator("categories")
    @classmethod
    def _each_once(cls, value: list[CaseCategory]) -> list[CaseCategory]:
        return list(dict.fromkeys(value))


def checked_bsn(value: str | None) -> str | None:
    """A typed BSN as 9 digits (spaces and dots left out), None when empty; refused unless it
    passes the elfproef."""
    if value is None or not value.strip():
        return None
    digits = "".join(ch for ch in value if not ch.isspace() and ch != ".")
    if not is_valid_bsn(digits):
        raise ValueError("Dit is geen geldig BSN (9 cijfers die de elfproef doorstaan).")
    return digits.zfill(9)


def is_valid_bsn(value: str) -> bool:
    """The elfproef: 8 or 9 digits, weights 9..2 and -1, sum divisible by 11, not zero."""
    if not value.isdigit() or len(value) not in (8, 9):
        return False
    digits = [int(d) for d in value.zfill(9)]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and total != 0


class PersonData(SQLModel):
    """One identified person, as typed (validated, never stored in plain text)."""

    name: str = Field(min_length=2, max_length=200)
    birth_date: date
    bsn: str | None = Field(default=None, max_length=20)
    address: str = Field(min_length=3, max_length=300)

    _born = field_validator("birth_date")(bounds.birth_date)

    @field_validator("birth_date")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("De geboortedatum ligt in de toekomst.")
        return value

    _bsn = field_validator("bsn")(checked_bsn)


class IdentifiedFields(SQLModel):
    consent: Consent
    legal_basis: LegalBasis


class AnonymisedFields(SQLModel):
    age_band: AgeBand
    situation: str = Field(min_length=10, max_length=5000)


class CaseSubmission(CaseBase):
    meeting_id: int
    identified: bool

    _meeting = field_validator("meeting_id")(bounds.row_id)

    @field_validator("identified", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        return {"geïdentificeerd": True, "geanonimiseerd": False}.get(str(value), value)


class CaseOwnerChange(SQLModel):
    owner_organisation_id: int
    owner_user_id: int | None = None

    _ids = field_validator("owner_organisation_id", "owner_user_id")(bounds.row_id)


class CaseEscalation(SQLModel):
    escalated_to: EscalationBody
    escalated_on: date
    escalation_reason: str = Field(min_length=5, max_length=REASON_LENGTH)

    _day = field_validator("escalated_on")(bounds.planning_day)


class CaseClosing(SQLModel):
    closed_on: date
    closed_reason: str = Field(min_length=5, max_length=REASON_LENGTH)

    _day = field_validator("closed_on")(bounds.planning_day)


class IdentificationChange(SQLModel):
    change_reason: str = Field(min_length=5, max_length=1000)
