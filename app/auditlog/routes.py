"""The audit trail page (FG only)."""

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.auditlog import service
from app.db import SessionDep
from app.security.deps import AuditReader
from app.web import render

router = APIRouter(prefix="/logging")


@router.get("")
def audit_trail(
    request: Request,
    session: SessionDep,
    _: AuditReader,
    pagina: int = Query(1, ge=1, le=1_000_000),
) -> Response:
    events, pages = service.page_of_events(session, page=pagina)
    return render(request, "auditlog/list.html", {"events": events, "page": pagina, "pages": pages})
