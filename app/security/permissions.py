"""Access rules: plain predicates over loaded objects, the one place they are written."""

from app.users.models import User


def can_manage_accounts(user: User) -> bool:
    """Beheerders manage organisations and users."""
    return user.is_admin


def can_read_audit_log(user: User) -> bool:
    """The FG (privacy officer) reads the audit trail."""
    return user.is_privacy_officer


def can_manage_covenants(user: User) -> bool:
    """Beheerders record covenants, versions, signatures and the declaration text."""
    return user.is_admin


def can_view_covenants(user: User) -> bool:
    """Partners may read the covenant they work under; beheerders manage it."""
    return user.is_admin or user.is_participant
