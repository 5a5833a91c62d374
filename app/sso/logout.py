"""Logging out of a session that came from a provider: offer to log out there too."""

from sqlmodel import Session, select

from app.config import OidcProvider, Settings
from app.security.sessions import UserSession, token_digest
from app.sso import client as sso_client

LOGGED_OUT_PATH = "/inloggen?uitgelogd=1"


def logged_out_path(session: Session, *, token: str, settings: Settings) -> str:
    """Where logging out lands: the login page, which names the provider the session came
    from when that provider offers its own logout (RP-initiated logout)."""
    name = session.exec(
        select(UserSession.sso_provider).where(UserSession.id == token_digest(token))
    ).first()
    provider = settings.oidc_provider(name) if name else None
    if provider is None or end_session_url(provider, settings=settings) is None:
        return LOGGED_OUT_PATH
    return f"{LOGGED_OUT_PATH}&bij={provider.name}"


def end_session_url(provider: OidcProvider, *, settings: Settings) -> str | None:
    """The provider's logout, sending the browser back to our logged-out page."""
    return sso_client.end_session_url(
        provider, post_logout_redirect_uri=f"{settings.base_url.rstrip('/')}{LOGGED_OUT_PATH}"
    )
