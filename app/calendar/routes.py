"""The personal calendar subscription page and the feed it points to."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.calendar import ics, service
from app.db import SessionDep
from app.errors import NotFound
from app.security.deps import CurrentActor, CurrentUser
from app.web import form_body, render

router = APIRouter()


def _page(request: Request, has_feed: bool, feed_url: str | None = None) -> Response:
    return render(
        request, "calendar/subscription.html", {"has_feed": has_feed, "feed_url": feed_url}
    )


@router.get("/agenda-abonnement")
def subscription_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _page(request, service.has_feed(session, user=user))


@router.post("/agenda-abonnement", openapi_extra=form_body())
def new_subscription(
    request: Request, session: SessionDep, user: CurrentUser, actor: CurrentActor
) -> Response:
    token = service.new_feed_token(session, user=user, by=actor)
    base_url = request.app.state.settings.base_url.rstrip("/")
    # Shown once, right now: only a hash of the token is kept.
    return _page(request, True, f"{base_url}/agenda/{token}.ics")


@router.get("/agenda/{token}.ics")
def feed(request: Request, session: SessionDep, token: str) -> Response:
    found = service.feed_for_token(session, token=token)
    if found is None:
        raise NotFound
    _, entries = found
    content = ics.feed_calendar(
        entries, base_url=request.app.state.settings.base_url, name="Casustafel"
    )
    return Response(content, media_type="text/calendar; charset=utf-8")
