"""Aanwezigheid: who says they will come, and the geheimhoudingsverklaringen signed per meeting."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow


class Attendance(StrEnum):
    YES = "ja"
    NO = "nee"


class AttendanceIntention(SQLModel, table=True):
    """Whether a member says they will come to a meeting."""

    __tablename__ = "attendance_intention"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    answer: Attendance = Field(sa_type=string_enum(Attendance))
    answered_at: datetime = Field(default_factory=utcnow)


class ConfidentialityDeclaration(SQLModel, table=True):
    """A geheimhoudingsverklaring: covers one person for one meeting only."""

    __tablename__ = "confidentiality_declaration"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    guest_name: str | None = Field(default=None, max_length=200)
    guest_organisation: str | None = Field(default=None, max_length=200)
    text_id: int = Field(foreign_key="declaration_text.id")
    signed_at: datetime = Field(default_factory=utcnow)
    on_paper: bool = False
    recorded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class PaperDeclaration(SQLModel):
    """The chair records a declaration a guest signed on paper."""

    guest_name: str = Field(min_length=2, max_length=200)
    guest_organisation: str = Field(default="", max_length=200)
