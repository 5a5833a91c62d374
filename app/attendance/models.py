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
    """A geheimhoudingsverklaring: covers one person for one meeting only: a member
    (`user_id`) or a guest at the table (`attendance_id`). A paper record with neither is one
    that could not be matched to a guest; it covers nobody."""

    __tablename__ = "confidentiality_declaration"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    attendance_id: int | None = Field(
        default=None, foreign_key="meeting_attendance.id", unique=True, index=True
    )
    guest_name: str | None = Field(default=None, max_length=200)
    guest_organisation: str | None = Field(default=None, max_length=200)
    text_id: int = Field(foreign_key="declaration_text.id")
    signed_at: datetime = Field(default_factory=utcnow)
    on_paper: bool = False
    recorded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
