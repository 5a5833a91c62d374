"""One-time links by e-mail: an invitation to set a first password, or a password reset."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow


class LinkPurpose(StrEnum):
    INVITATION = "uitnodiging"
    PASSWORD_RESET = "wachtwoordherstel"


VALIDITY = {
    LinkPurpose.INVITATION: timedelta(hours=72),
    LinkPurpose.PASSWORD_RESET: timedelta(hours=1),
}


class AccountLink(SQLModel, table=True):
    """An open link; used links are deleted, so only a hash of a live token is ever stored."""

    __tablename__ = "account_link"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    purpose: LinkPurpose = Field(sa_type=string_enum(LinkPurpose))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class NewPassword(SQLModel):
    password: str = Field(min_length=1, max_length=1024)
    password_repeat: str = Field(min_length=1, max_length=1024)
