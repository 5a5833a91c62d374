"""Bewaartermijnen: the purge's own marker, and what a beheerder types to change a term."""

from datetime import date, datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import utcnow

REMOVED = "[verwijderd na bewaartermijn]"
CASE_TERM_DEFAULT, CASE_TERM_MIN, CASE_TERM_MAX = 24, 6, 120
MINUTES_TERM_DEFAULT, MINUTES_TERM_MIN, MINUTES_TERM_MAX = 60, 12, 240


class RetentionPurge(SQLModel, table=True):
    """Exists only inside a purge's own transaction: the immutability triggers on stored
    verslagen let exactly the purge's changes through while a row is here (and no other
    transaction ever sees an uncommitted row)."""

    __tablename__ = "retention_purge"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow)


class RetentionTerms(SQLModel):
    """The two terms of an overleg, changed with a reason."""

    case_retention_months: int = Field(ge=CASE_TERM_MIN, le=CASE_TERM_MAX)
    minutes_retention_months: int = Field(ge=MINUTES_TERM_MIN, le=MINUTES_TERM_MAX)
    retention_reason: str = Field(min_length=5, max_length=1000)


class CaseExtension(SQLModel):
    """'Bewaartermijn verlengen': keep a casus until a later day, for a written reason."""

    kept_until: date
    kept_reason: str = Field(min_length=5, max_length=2000)

    _day = field_validator("kept_until")(bounds.planning_day)
