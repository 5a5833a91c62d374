"""Every table model, imported once: the one registry for the app and for Alembic."""

from app.audit import AuditEvent
from app.covenants.models import (
    Covenant,
    CovenantDocument,
    CovenantSignature,
    CovenantVersion,
    DeclarationText,
)
from app.organisations.models import Organisation
from app.security.sessions import UserSession
from app.security.throttle import LoginAttempt, LoginLockout
from app.users.models import User

__all__ = [
    "AuditEvent",
    "Covenant",
    "CovenantDocument",
    "CovenantSignature",
    "CovenantVersion",
    "DeclarationText",
    "LoginAttempt",
    "LoginLockout",
    "Organisation",
    "User",
    "UserSession",
]
