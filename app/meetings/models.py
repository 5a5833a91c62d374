"""The live meeting: who is at the table, and what is recorded per agenda item."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.cases.models import REASON_LENGTH, Case, EscalationBody, LegalBasis
from app.db import string_enum, utcnow


class Presence(StrEnum):
    PRESENT = "aanwezig"
    EXCUSED = "afwezig met bericht"
    ABSENT = "afwezig"


class NextStep(StrEnum):
    NEXT_MEETING = "terug op de volgende bijeenkomst"
    ON_DATE = "terug op een datum"
    ESCALATE = "opschalen"
    CLOSE = "afsluiten"


class Informing(StrEnum):
    INFORMED = "geïnformeerd"
    WILL_INFORM = "wordt geïnformeerd"
    NOT_INFORMED = "niet geïnformeerd"


class MeetingAttendance(SQLModel, table=True):
    """One person at (or missing from) a meeting: a member, or a guest."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    guest_name: str | None = Field(default=None, max_length=200)
    guest_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    presence: Presence = Field(sa_type=string_enum(Presence))


class ItemAbsence(SQLModel, table=True):
    """Someone left the room for this agenda item ('verlaat de ruimte bij dit punt')."""

    __tablename__ = "item_absence"
    __table_args__ = (UniqueConstraint("agenda_item_id", "attendance_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    attendance_id: int = Field(foreign_key="meeting_attendance.id")


class ItemRecord(SQLModel, table=True):
    """What was recorded for one agenda item; `version` guards against silent overwrites."""

    __tablename__ = "item_record"
    # The dashboard's figures read these columns from the index (migration 0022).
    __table_args__ = (Index("ix_item_record_anonymous", "agenda_item_id", "discussed_anonymously"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", unique=True)
    discussion: str = Field(default="", sa_type=Text)
    decisions: str = Field(default="", sa_type=Text)
    dissent: str = Field(default="", sa_type=Text)
    next_step: NextStep | None = Field(default=None, sa_type=string_enum(NextStep))
    next_step_date: date | None = None
    escalation_body: EscalationBody | None = Field(
        default=None, sa_type=string_enum(EscalationBody)
    )
    outcome_reason: str = Field(default="", sa_type=Text)
    informing: Informing | None = Field(default=None, sa_type=string_enum(Informing))
    informing_how: str = Field(default="", sa_type=Text)
    discussed_anonymously: bool | None = None
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class ItemContribution(SQLModel, table=True):
    """What one organisation shared on an item, and on which legal basis."""

    __tablename__ = "item_contribution"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    text: str = Field(default="", sa_type=Text)
    legal_basis: LegalBasis | None = Field(default=None, sa_type=string_enum(LegalBasis))
    version: int = 1


TEXT_FIELDS = ("discussion", "decisions", "dissent", "outcome_reason", "informing_how")
# How long a text typed at the table may be; the toelichting becomes the reason on the casus
# when the meeting is finished, so it gets that column's length.
TEXT_LENGTH = 20_000
TEXT_LENGTHS = dict.fromkeys(TEXT_FIELDS, TEXT_LENGTH) | {"outcome_reason": REASON_LENGTH}

# One name per part of an item: its label on the live page and its heading in every verslag,
# so the chair fills in exactly what the minutes will say.
SECTION_HEADINGS = {
    "earlier_tasks": "Terugkoppeling van eerdere acties",
    "discussion": "Bespreking",
    "contributions": "Bijdragen",
    "decisions": "Besluiten en afspraken",
    "dissent": "Afwijkende meningen",
    "tasks": "Acties",
    "next_step": "Vervolg",
    "outcome_reason": "Toelichting bij opschalen of afsluiten",
    "informing": "Informering van de inwoner",
    "informing_how": "Toelichting bij de informering",
}
# What good practice asks of a text field, shown under its label on the live page.
FIELD_HINTS = {
    "discussion": "Wat is aan tafel gedeeld?",
    "decisions": "Met de redenen.",
    "dissent": "Wie, en waarom.",
    "informing_how": "Hoe wordt de inwoner geïnformeerd, of waarom niet?",
}


def what_is_missing(record: ItemRecord | None, case: Case) -> list[str]:
    """What a discussed casus still lacks before the meeting can be finished."""
    return missing_of(
        case.owner_organisation_id,
        record.next_step if record else None,
        record.informing if record else None,
        len(record.outcome_reason) if record else 0,
    )


def missing_of(
    owner_organisation_id: int | None,
    next_step: NextStep | None,
    informing: Informing | None,
    reason_length: int | None = 0,
) -> list[str]:
    """What a casus with this owner, next step, informering and length of the toelichting
    still lacks."""
    outcome = next_step in (NextStep.ESCALATE, NextStep.CLOSE)
    what = []
    if owner_organisation_id is None and not outcome:
        what.append("casus-eigenaar of uitkomst")
    if next_step is None:
        what.append("vervolgstap")
    if informing is None:
        what.append("informering")
    # Saved before the toelichting had its limit: it would not fit the casus' reason.
    if outcome and (reason_length or 0) > REASON_LENGTH:
        what.append(f"een kortere toelichting (hoogstens {thousands(REASON_LENGTH)} tekens)")
    return what


def thousands(number: int) -> str:
    """A count as Dutch writes it: 20.000."""
    return f"{number:,}".replace(",", ".")
