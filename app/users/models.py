"""User: a person of an organisation with one or more roles."""

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from pydantic import field_validator
from sqlmodel import Field, Relationship, SQLModel

from app import bounds
from app.db import utcnow
from app.organisations.models import Organisation
from app.security.passwords import MIN_PASSWORD_LENGTH

INVALID_EMAIL = "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."
ROLE_LABELS = {
    "is_admin": "Beheerder",
    "is_participant": "Deelnemer",
    "is_privacy_officer": "Functionaris gegevensbescherming (FG)",
}


def normalise_email(value: str) -> str:
    """E-mail addresses compare without case and surrounding spaces."""
    return value.strip().lower()


class UserBase(SQLModel):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=2, max_length=200)
    organisation_id: int
    is_admin: bool = False
    is_participant: bool = False
    is_privacy_officer: bool = False

    _organisation = field_validator("organisation_id")(bounds.row_id)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        value = normalise_email(value)
        try:
            # Syntax only: no DNS look-up, so an address at a domain without mail server passes.
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValueError(INVALID_EMAIL) from exc
        return value


class User(UserBase, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    # None: the account has no password (yet): invited, or signing in through SSO only.
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    # Created by a first SSO login: no access until a beheerder admits it.
    awaiting_admission: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)
    # The weekly e-mail about one's tasks due or overdue (app/reminders); off on Mijn account.
    weekly_digest: bool = True

    organisation: Organisation = Relationship(sa_relationship_kwargs={"lazy": "joined"})

    @property
    def role_labels(self) -> list[str]:
        """The Dutch names of the roles this user holds."""
        return [label for flag, label in ROLE_LABELS.items() if getattr(self, flag)]


class UserCreate(UserBase):
    """A new account: it has no password until its owner follows the invitation."""


class UserUpdate(UserBase):
    active: bool = True


class PasswordChange(SQLModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    new_password_repeat: str = Field(min_length=1, max_length=1024)
