"""Flash messages: the short confirmation after a change ("Casus IO-2026-014 ingediend"), shown
once on the next page. A message for a page after a redirect waits in the database with the
session (several app processes act as one); a cookie only says that one is waiting, so pages
without a message cost no statement."""

from datetime import datetime

from fastapi import Request, Response
from sqlmodel import Field, Session, SQLModel, col, delete

from app.db import utcnow
from app.security.sessions import SESSION_COOKIE, token_digest

FLASH_COOKIE = "casustafel_melding"
MAX_LENGTH = 300


class FlashMessage(SQLModel, table=True):
    __tablename__ = "flash_message"

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(
        foreign_key="user_session.id", ondelete="CASCADE", max_length=64, index=True
    )
    text: str = Field(max_length=MAX_LENGTH)
    created_at: datetime


def flash(request: Request, text: str) -> None:
    """Confirm a change: shown in the answer to this request (a page or the parts it changed),
    or on the next page after a redirect."""
    request.state.flashes = [*pending(request), text[:MAX_LENGTH]]


def pending(request: Request) -> list[str]:
    """The messages this request shows: taken from the database, or flashed just now."""
    return list(getattr(request.state, "flashes", []))


def shown(request: Request) -> list[str]:
    """The messages to show now; they are shown once."""
    texts = pending(request)
    request.state.flashes = []
    return texts


def for_new_session(request: Request, token: str) -> None:
    """The change started a new session (a changed password ends the old one): its messages
    wait for the new session, whose cookie the answer sets."""
    request.state.new_session_token = token


def keep_for_next_page(session: Session, request: Request, response: Response) -> None:
    """After a change answered with a redirect: its messages wait for the next page."""
    token = getattr(request.state, "new_session_token", None) or request.cookies.get(SESSION_COOKIE)
    texts = shown(request)
    if not texts or not token:
        return
    now = utcnow()
    session.add_all(
        FlashMessage(session_id=token_digest(token), text=text, created_at=now) for text in texts
    )
    session.commit()
    response.set_cookie(
        FLASH_COOKIE,
        "1",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


def take_waiting(session: Session, request: Request) -> None:
    """The messages waiting for this session, once, for the page this request shows."""
    token = request.cookies.get(SESSION_COOKIE)
    if request.method != "GET" or not token or FLASH_COOKIE not in request.cookies:
        return
    texts = session.execute(
        delete(FlashMessage)
        .where(col(FlashMessage.session_id) == token_digest(token))
        .returning(FlashMessage.id, FlashMessage.text)
    ).all()
    session.commit()
    request.state.flashes = [text for _, text in sorted(texts)] + pending(request)
    request.state.flash_taken = True


def forget_cookie(request: Request, response: Response) -> None:
    """Once the waiting messages are taken, the cookie that announced them goes."""
    if getattr(request.state, "flash_taken", False):
        response.delete_cookie(FLASH_COOKIE)
