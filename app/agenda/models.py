"""Agendapunt (AgendaItem): what a meeting discusses, in order."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow


class AgendaItemKind(StrEnum):
    NEW_CASE = "nieuwe casus"
    FOLLOW_UP = "vervolg"
    FEEDBACK = "terugkoppeling"
    GENERAL = "algemeen"


class AgendaItem(SQLModel, table=True):
    """One point on a meeting's agenda."""

    __tablename__ = "agenda_item"
    # The dashboard's figures read these columns from the index (migration 0022).
    __table_args__ = (Index("ix_agenda_item_meeting_case", "meeting_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    kind: AgendaItemKind = Field(sa_type=string_enum(AgendaItemKind))
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    late: bool = False
    case_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    added_at: datetime = Field(default_factory=utcnow)
    added_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class AgendaItemCreate(SQLModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=5000)
