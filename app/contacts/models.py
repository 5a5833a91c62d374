"""Contact cards (contactkaart): how to reach a person at the table, and who stands in for
them while they are away. Staff details, not a resident's: they never go into an e-mail."""

from datetime import date, datetime

import phonenumbers
from pydantic import field_validator
from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import utcnow

PHONE_REGION = "NL"
INVALID_PHONE = "Vul een geldig telefoonnummer in, bijvoorbeeld 030 123 4567 of 06 1234 5678."
FUNCTION_MAX = 100
AVAILABILITY_MAX = 300


def e164_phone(value: object) -> str | None:
    """A typed phone number (Dutch unless it starts with +) in E.164, or refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(INVALID_PHONE)
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(INVALID_PHONE) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(INVALID_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_phone(e164: str) -> str:
    """A stored number as a Dutch reader writes it: "030 123 4567" (abroad: +32 …)."""
    number = phonenumbers.parse(e164)
    if number.country_code == phonenumbers.country_code_for_region(PHONE_REGION):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _stripped(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class ContactCardBase(SQLModel):
    function: str | None = Field(default=None, max_length=FUNCTION_MAX)
    phone: str | None = Field(default=None, max_length=20)
    availability: str | None = Field(default=None, max_length=AVAILABILITY_MAX)
    deputy_user_id: int | None = None
    away_until: date | None = None


class ContactCard(ContactCardBase, table=True):
    """One person's card: function, work phone (E.164), bereikbaarheid, vervanger."""

    __tablename__ = "contact_card"
    __table_args__ = (
        CheckConstraint("deputy_user_id IS NULL OR deputy_user_id <> user_id", name="not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    deputy_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def phone_display(self) -> str | None:
        return national_phone(self.phone) if self.phone else None

    def away_on(self, day: date) -> bool:
        """Whether the person is away that day (up to and including 'afwezig t/m')."""
        return self.away_until is not None and day <= self.away_until


class ContactCardUpdate(ContactCardBase):
    """The card as its owner fills it in: everything optional, the phone stored in E.164."""

    _text = field_validator("function", "availability", mode="before")(_stripped)
    _phone = field_validator("phone", mode="before")(e164_phone)
    _deputy = field_validator("deputy_user_id")(bounds.row_id)
    _away = field_validator("away_until")(bounds.planning_day)
