"""Second factors of a local account: an authenticator app (TOTP) or a passkey (WebAuthn), and
the single-use recovery codes that stand in for a lost one."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import string_enum, utcnow

CREDENTIAL_ID_LENGTH = 1400  # the WebAuthn maximum (1023 bytes) in base64url, with room
PUBLIC_KEY_LENGTH = 2000


class FactorKind(StrEnum):
    TOTP = "authenticator"
    PASSKEY = "passkey"


class SecondFactor(SQLModel, table=True):
    __tablename__ = "second_factor"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: FactorKind = Field(sa_type=string_enum(FactorKind))
    label: str = Field(max_length=100)
    # TOTP: the shared secret, encrypted; the last time step used, so a code works once.
    secret: str | None = Field(default=None, max_length=500)
    last_used_step: int | None = None
    # Passkey: the credential's id and public key (base64url) and the authenticator's counter.
    credential_id: str | None = Field(default=None, max_length=CREDENTIAL_ID_LENGTH, unique=True)
    public_key: str | None = Field(default=None, max_length=PUBLIC_KEY_LENGTH)
    sign_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class PasskeyAdd(SQLModel):
    """The name someone gives a new passkey, to tell their passkeys apart ("Laptop")."""

    passkey_label: str = Field(min_length=1, max_length=100)


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_hash: str = Field(max_length=255)
    used_at: datetime | None = None
