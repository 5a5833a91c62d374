"""The outbox: every e-mail is stored in the transaction that caused it, then sent apart."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow

SUBJECT_MAX = 300


class OutboxStatus(StrEnum):
    PENDING = "wachtend"
    SENT = "verzonden"
    FAILED = "mislukt"


class OutboxMessage(SQLModel, table=True):
    """One e-mail to one recipient, with at most one attachment (an .ics invitation)."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=SUBJECT_MAX)
    body_text: str = Field(sa_type=Text)
    attachment_filename: str | None = Field(default=None, max_length=200)
    attachment_content_type: str | None = Field(default=None, max_length=100)
    attachment: str | None = Field(default=None, sa_type=Text)
    # The body holds a one-time link: it is blanked once the message is sent or given up on.
    secret: bool = False
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING,
        sa_type=string_enum(OutboxStatus, length=20),
        index=True,
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    claimed_until: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
