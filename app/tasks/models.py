"""Actie / taak: who does what before when, agreed in a meeting; and its terugkoppeling."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import ConfigDict, ValidationInfo, field_validator
from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import string_enum, utcnow


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "gereed"
    LAPSED = "vervallen"


class NotDoneReason(StrEnum):
    CIRCUMSTANCES_CHANGED = "omstandigheden gewijzigd"
    NOT_DONE = "niet gedaan"


class Setback(StrEnum):
    """What the assignee reports when a task is not done: the chair takes it up at the next
    meeting's review."""

    FAILED = "niet gelukt"
    MORE_TIME = "meer tijd nodig"


CARRY_FORWARD_FLAG = 3


class Task(SQLModel, table=True):
    __tablename__ = "task"
    # The dashboard's figures read these columns from the index (migration 0022).
    __table_args__ = (
        Index(
            "ix_task_statistics",
            "series_id",
            "created_at",
            "status",
            "assignee_organisation_id",
            "due_on",
            "carried_forward",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    description: str = Field(max_length=1000)
    assignee_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    assignee_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    due_on: date
    status: TaskStatus = Field(default=TaskStatus.OPEN, sa_type=string_enum(TaskStatus), index=True)
    feedback: str = Field(default="", sa_type=Text)
    feedback_at: datetime | None = None
    not_done_reason: NotDoneReason | None = Field(default=None, sa_type=string_enum(NotDoneReason))
    # Reported by the assignee, until the chair reviews it; `feedback` holds the reason. The
    # database allows a proposed date only with "meer tijd nodig" (ck_task_proposal_with_more_time).
    setback: Setback | None = Field(default=None, sa_type=string_enum(Setback))
    proposed_due_on: date | None = None
    carried_forward: int = 0
    reviewed_at_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1

    @property
    def flagged(self) -> bool:
        """Carried forward three meetings in a row: the beheerder should look at it."""
        return self.carried_forward >= CARRY_FORWARD_FLAG


class TaskCreate(SQLModel):
    description: str = Field(min_length=3, max_length=1000)
    assignee_organisation_id: int
    assignee_user_id: int | None = None
    due_on: date | None = None

    _ids = field_validator("assignee_organisation_id", "assignee_user_id")(bounds.row_id)
    _day = field_validator("due_on")(bounds.planning_day)


class TaskFeedback(SQLModel):
    feedback: str = Field(min_length=3, max_length=5000)


class TaskSetbackReport(SQLModel):
    """'Niet gelukt' or 'meer tijd nodig' (with a proposed date), and why."""

    # Validated also when left out: a choice not made gets its own message beside the field.
    model_config = ConfigDict(validate_default=True)

    setback: Setback | None = None
    reason: str = Field(min_length=3, max_length=5000)
    proposed_due_on: date | None = None

    @field_validator("setback")
    @classmethod
    def _chosen(cls, value: Setback | None) -> Setback:
        if value is None:
            raise ValueError("Kies: niet gelukt of meer tijd nodig.")
        return value

    @field_validator("proposed_due_on")
    @classmethod
    def _only_with_more_time(cls, value: date | None, info: ValidationInfo) -> date | None:
        setback = info.data.get("setback")
        if setback == Setback.MORE_TIME and value is None:
            raise ValueError("Stel een nieuwe datum voor.")
        if setback == Setback.FAILED and value is not None:
            raise ValueError("Een nieuwe datum hoort bij meer tijd nodig; laat hem hier leeg.")
        return bounds.planning_day(value)
