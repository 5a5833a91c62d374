"""The start page."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.security.deps import CurrentUser
from app.web import render

router = APIRouter()


@router.get("/")
def start_page(request: Request, user: CurrentUser, wachtwoord: str | None = None) -> Response:
    return render(request, "home/index.html", {"password_changed": wachtwoord == "gewijzigd"})
