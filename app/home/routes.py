"""The start page."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.covenants import service as covenant_service
from app.db import SessionDep, today
from app.security import permissions
from app.security.deps import CurrentUser
from app.web import render

router = APIRouter()


@router.get("/")
def start_page(
    request: Request, session: SessionDep, user: CurrentUser, wachtwoord: str | None = None
) -> Response:
    warnings = None
    if permissions.can_manage_covenants(user):
        warnings = covenant_service.coverage_warnings(session, day=today())
    return render(
        request,
        "home/index.html",
        {"password_changed": wachtwoord == "gewijzigd", "warnings": warnings},
    )
