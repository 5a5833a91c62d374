"""Verslag (Minutes): each vastgesteld version is the exact PDF as finalised, never changed,
with the record it was rendered from."""

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utcnow


class MinutesVersion(SQLModel, table=True):
    """Version n of a meeting's final minutes; a correction is version n + 1 with a reason."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: int
    sha256: str = Field(max_length=64)
    size: int
    correction_reason: str | None = Field(default=None, sa_type=Text)
    finalised_at: datetime = Field(default_factory=utcnow)
    finalised_by_user_id: int = Field(foreign_key="app_user.id")
    finalised_by_name: str = Field(max_length=200)
    # Set when a bewaartermijn removed the PDF (and, after the verslag term, the snapshot):
    # the hash stays as the tombstone of what was once stored.
    purged_on: date | None = None


class MinutesDocument(SQLModel, table=True):
    """The stored PDF of a version, kept apart so lists never load the bytes."""

    __tablename__ = "minutes_document"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="minutes_version.id", unique=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class MinutesSnapshot(SQLModel, table=True):
    """The record a version was rendered from, as JSON without residents' names (those are
    added when it is shown): the verslag page, uittreksels and actieoverzichten show the
    latest version's snapshot, whatever is corrected afterwards for the next version."""

    __tablename__ = "minutes_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="minutes_version.id", unique=True)
    content: str = Field(sa_type=Text)
