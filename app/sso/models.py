"""What single sign-on keeps: login attempts under way, and which provider account is whose."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utcnow


class SsoAttempt(SQLModel, table=True):
    """One trip to the provider: its state, nonce and PKCE verifier stay here, not in a cookie,
    and serve only the browser that started it (the hash of its pre-login binding)."""

    __tablename__ = "sso_attempt"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the state
    binding: str = Field(max_length=64)
    provider: str = Field(max_length=40)
    nonce: str = Field(max_length=64)
    code_verifier: str = Field(max_length=128)
    next_path: str = Field(max_length=500)
    created_at: datetime = Field(index=True)


class SsoLink(SQLModel, table=True):
    """A provider's subject (`sub`) that logs in as this account."""

    __tablename__ = "sso_link"
    __table_args__ = (
        UniqueConstraint("subject", "provider"),
        UniqueConstraint("user_id", "provider"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=40)
    subject: str = Field(max_length=255)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
