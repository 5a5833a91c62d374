"""Convenant (privacy covenant), versions, ondertekeningen and the geheimhoudingsverklaring."""

from datetime import date, datetime

from pydantic import ValidationInfo, field_validator
from sqlalchemy import Column, Index, LargeBinary, Text, text
from sqlmodel import Field, SQLModel

from app import bounds
from app.db import utcnow

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class Covenant(SQLModel, table=True):
    """The agreement that lets partners share information inside the overleg."""

    __tablename__ = "covenant"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class CovenantVersionBase(SQLModel):
    label: str = Field(min_length=1, max_length=40)
    established_on: date
    in_force_from: date
    in_force_until: date | None = None

    _days = field_validator("established_on", "in_force_from", "in_force_until")(
        bounds.planning_day
    )

    @field_validator("in_force_until")
    @classmethod
    def _until_after_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("in_force_from")
        if value is not None and start is not None and value < start:
            raise ValueError("De einddatum ligt vóór de begindatum. Kies een latere einddatum.")
        return value


class CovenantVersion(CovenantVersionBase, table=True):
    """One version of a covenant's text: never changed by a later version."""

    __tablename__ = "covenant_version"

    id: int | None = Field(default=None, primary_key=True)
    covenant_id: int = Field(foreign_key="covenant.id", index=True)
    label: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")

    def in_force_on(self, day: date) -> bool:
        """Whether this version is in force on the day (both ends inclusive)."""
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )


class CovenantDocument(SQLModel, table=True):
    """The signed PDF of a version, kept apart so lists never load the bytes."""

    __tablename__ = "covenant_document"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="covenant_version.id", unique=True)
    filename: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CovenantCreate(CovenantVersionBase):
    title: str = Field(min_length=3, max_length=200)


class CovenantVersionCreate(CovenantVersionBase):
    pass


class CovenantSignatureBase(SQLModel):
    organisation_id: int
    signed_on: date
    signatory_name: str = Field(min_length=2, max_length=200)
    signatory_function: str = Field(min_length=2, max_length=200)

    _day = field_validator("signed_on")(bounds.planning_day)
    _organisation = field_validator("organisation_id")(bounds.row_id)


class CovenantSignature(CovenantSignatureBase, table=True):
    """An organisation's signature on a covenant version; withdrawing keeps the record."""

    __tablename__ = "covenant_signature"
    # At most one signature per organisation and version that has not been withdrawn.
    __table_args__ = (
        Index(
            "uq_covenant_signature_active",
            "version_id",
            "organisation_id",
            unique=True,
            sqlite_where=text("withdrawn_on IS NULL"),
            postgresql_where=text("withdrawn_on IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="covenant_version.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = Field(default=None, max_length=1000)
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")

    def valid_on(self, day: date) -> bool:
        """Signed on or before the day, and not withdrawn by then."""
        return self.signed_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class CovenantSignatureCreate(CovenantSignatureBase):
    pass


class SignatureWithdrawal(SQLModel):
    withdrawn_on: date
    withdrawal_reason: str = Field(min_length=3, max_length=1000)

    _day = field_validator("withdrawn_on")(bounds.planning_day)


class DeclarationText(SQLModel, table=True):
    """A version of the geheimhoudingsverklaring text incidental attendees accept."""

    __tablename__ = "declaration_text"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class DeclarationTextCreate(SQLModel):
    text: str = Field(min_length=20, max_length=20_000)
