"""Reads about the one-time links, for the beheerder's pages."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.invitations.models import AccountLink, LinkPurpose


def invitations_until(session: Session) -> dict[int, datetime]:
    """Per account with an unused invitation: until when its newest link works."""
    rows = session.exec(
        select(AccountLink.user_id, func.max(AccountLink.expires_at))
        .where(AccountLink.purpose == LinkPurpose.INVITATION)
        .group_by(AccountLink.user_id)
    ).all()
    return dict(rows)
