"""What reminder went to whom: one row per weekly digest and per verslag reminder, so that of
several app processes running the same job only one sends it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow


class ReminderKind(StrEnum):
    WEEKLY_DIGEST = "weekoverzicht"
    MINUTES_OVERDUE = "verslag niet vastgesteld"


class ReminderSent(SQLModel, table=True):
    """A digest is about a person and an ISO week ("2026-W49"); a verslag reminder about a
    meeting, once. The unique keys are the claims: a second insert fails."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "period"),
        UniqueConstraint("meeting_id", "kind"),
        CheckConstraint("(user_id IS NULL) <> (meeting_id IS NULL)", name="one_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: ReminderKind = Field(sa_type=string_enum(ReminderKind))
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    period: str = Field(default="", max_length=10)
    sent_at: datetime = Field(default_factory=utcnow)
