"""Overleg (MeetingSeries), its members and organisations, and its bijeenkomsten (Meeting)."""

from datetime import date, datetime, time
from enum import StrEnum

from pydantic import ValidationInfo, field_validator
from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import AMSTERDAM, string_enum, utcnow


class SeriesKind(StrEnum):
    INTEGRAL = "integraal overleg"
    MULTIDISCIPLINARY = "multidisciplinair overleg"
    CASE_MEETING = "casusoverleg"


class MemberRole(StrEnum):
    CHAIR = "voorzitter"
    SECRETARY = "secretaris"
    MEMBER = "lid"


class MeetingStatus(StrEnum):
    PLANNED = "gepland"
    AGENDA_FROZEN = "agenda vastgesteld"
    IN_PROGRESS = "bezig"
    FINISHED = "afgerond"
    MINUTES_FINAL = "verslag vastgesteld"
    CANCELLED = "geannuleerd"


# After these nothing about a meeting changes any more, except the chair's text corrections.
CLOSED = (MeetingStatus.FINISHED, MeetingStatus.MINUTES_FINAL, MeetingStatus.CANCELLED)


class RecurrenceFields(SQLModel):
    interval_weeks: int = Field(default=4, ge=1, le=52)
    weekday: int = Field(ge=0, le=6)
    start_time: time
    duration_minutes: int = Field(default=120, ge=15, le=600)
    starts_on: date
    ends_on: date | None = None
    deadline_working_days: int = Field(default=5, ge=0, le=30)

    _planning_days = field_validator("starts_on", "ends_on")(bounds.planning_day)

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("starts_on")
        if value is not None and start is not None and value < start:
            raise ValueError("De einddatum ligt vóór de startdatum. Kies een latere einddatum.")
        return value


class SeriesDetails(SQLModel):
    """What an overleg is called, where it meets and under which covenant (changeable later)."""

    name: str = Field(min_length=3, max_length=200)
    covenant_id: int
    default_location: str = Field(min_length=2, max_length=200)

    _covenant = field_validator("covenant_id")(bounds.row_id)


class MeetingSeriesBase(RecurrenceFields, SeriesDetails):
    kind: SeriesKind = Field(sa_type=string_enum(SeriesKind))
    allow_declarations: bool = True
    names_in_minutes: bool = False
    # Bewaartermijnen in months (app/retention): of a closed casus' data, and of the verslagen'
    # stored PDFs; set when the overleg is planned, changed later with a reason.
    case_retention_months: int = Field(default=24, ge=6, le=120)
    minutes_retention_months: int = Field(default=60, ge=12, le=240)


class MeetingSeries(MeetingSeriesBase, table=True):
    """A standing case meeting: who sits at the table, under which covenant, how often."""

    __tablename__ = "meeting_series"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    covenant_id: int = Field(foreign_key="covenant.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class MeetingSeriesCreate(MeetingSeriesBase):
    pass


class SeriesMember(SQLModel, table=True):
    """A person at the table of an overleg; chairs and the secretary run its meetings."""

    __tablename__ = "series_member"
    __table_args__ = (UniqueConstraint("series_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role: MemberRole = Field(sa_type=string_enum(MemberRole))
    # When the person took their seat: "nieuw aan tafel" for the meetings after (app/contacts).
    joined_at: datetime = Field(default_factory=utcnow)


class SeriesOrganisation(SQLModel, table=True):
    """A member organisation of an overleg."""

    __tablename__ = "series_organisation"
    __table_args__ = (UniqueConstraint("series_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


class Meeting(SQLModel, table=True):
    """One bijeenkomst of an overleg."""

    __tablename__ = "meeting"
    # One generated meeting per recurrence date; moved meetings keep their original date here.
    __table_args__ = (
        Index(
            "uq_meeting_series_occurrence",
            "series_id",
            "occurrence_date",
            unique=True,
            sqlite_where=text("occurrence_date IS NOT NULL"),
            postgresql_where=text("occurrence_date IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    occurrence_date: date | None = None
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    location: str = Field(max_length=200)
    status: MeetingStatus = Field(default=MeetingStatus.PLANNED, sa_type=string_enum(MeetingStatus))
    cancellation_reason: str | None = Field(default=None, max_length=500)
    holiday_name: str | None = Field(default=None, max_length=100)
    agenda_deadline: date
    reminder_sent_at: datetime | None = None
    sequence: int = 0
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def is_extra(self) -> bool:
        """Added by hand, not generated from the recurrence."""
        return self.occurrence_date is None

    @property
    def is_moved(self) -> bool:
        """Moved after it was planned, and still taking place (a move raises the sequence, and so
        does a cancellation, the only other change members are sent)."""
        return self.sequence > 0 and self.status != MeetingStatus.CANCELLED

    @property
    def moved_from(self) -> date | None:
        """The day a moved meeting was planned on, when it now takes place on another day."""
        if not self.is_moved or self.occurrence_date is None:
            return None
        moved_to = self.starts_at.astimezone(AMSTERDAM).date()
        return None if moved_to == self.occurrence_date else self.occurrence_date


class CalendarFeedToken(SQLModel, table=True):
    """The secret in a user's personal calendar subscription URL (only its hash is kept)."""

    __tablename__ = "calendar_feed_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


def _as_list(value: object) -> object:
    # A browser sends one ticked checkbox as a single value, several as a list.
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


class SeriesTable(SQLModel):
    """Who sits at the table of an overleg: its organisations, people, chairs and secretary."""

    organisation_ids: list[int] = Field(min_length=1)
    member_ids: list[int] = Field(default_factory=list)
    chair_ids: list[int] = Field(min_length=1)
    secretary_id: int | None = None

    _lists = field_validator("organisation_ids", "member_ids", "chair_ids", mode="before")(_as_list)
    _ids = field_validator("organisation_ids", "member_ids", "chair_ids", "secretary_id")(
        bounds.row_id
    )

    @property
    def people(self) -> set[int]:
        """Everyone chosen: members, chairs and the secretary."""
        secretary = {self.secretary_id} if self.secretary_id else set()
        return {*self.member_ids, *self.chair_ids} | secretary


class SeriesPlan(MeetingSeriesCreate, SeriesTable):
    """The planning form: the overleg plus who sits at its table."""


class SeriesEdit(SeriesDetails, SeriesTable):
    """Changing an overleg: its name, place, covenant and table (not its rhythm)."""


class MeetingTimes(SQLModel):
    """When and where one meeting takes place (moving one, or adding an extra one)."""

    day: date
    start_time: time
    duration_minutes: int = Field(default=120, ge=15, le=600)
    location: str = Field(min_length=2, max_length=200)

    _day = field_validator("day")(bounds.planning_day)


class MeetingCancellation(SQLModel):
    reason: str = Field(min_length=3, max_length=500)
