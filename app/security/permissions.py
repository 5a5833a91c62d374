"""Access rules: plain predicates over loaded objects, the one place they are written."""

from app.overleg.models import MemberRole, SeriesMember
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


def can_plan(user: User) -> bool:
    """Only beheerders plan overleggen and their meetings."""
    return user.is_admin


def can_see_series(user: User, membership: SeriesMember | None) -> bool:
    """Members of an overleg (and beheerders) know it exists; to everyone else it is a 404."""
    return user.is_admin or membership is not None


def can_run_meetings(user: User, membership: SeriesMember | None) -> bool:
    """The overleg's chairs and secretary (and beheerders) compose and freeze its agenda."""
    chairing = membership is not None and membership.role in (
        MemberRole.CHAIR,
        MemberRole.SECRETARY,
    )
    return user.is_admin or chairing
