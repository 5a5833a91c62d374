"""The audit trail page (FG only): filters in the address, paging, and the CSV export of
exactly the filtered view."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from app import spreadsheet
from app.auditlog import queries, service
from app.auditlog.export import csv_chunks
from app.auditlog.filters import AuditFilters, parse_filters
from app.auditlog.labels import action_options
from app.db import SessionDep, today
from app.security.deps import AuditReader, CurrentActor
from app.web import FormErrors, render

router = APIRouter(prefix="/logging")

PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]


def typed_filters(
    van: str = "",
    tot: str = "",
    gebruiker: str = "",
    organisatie: str = "",
    handeling: str = "",
    casus: str = "",
) -> dict[str, str]:
    """The filters as typed in the address (validated by parse_filters, beside each field)."""
    return {
        "van": van,
        "tot": tot,
        "gebruiker": gebruiker,
        "organisatie": organisatie,
        "handeling": handeling,
        "casus": casus,
    }


Typed = Annotated[dict[str, str], Depends(typed_filters)]


@router.get("")
def audit_trail(
    request: Request,
    session: SessionDep,
    _: AuditReader,
    typed: Typed,
    pagina: PageQuery = 1,
) -> Response:
    filters, errors = parse_filters(typed)
    if errors:
        return _page(request, session, typed, errors=errors)
    rows, pages = queries.page_of_rows(session, filters=filters, page=pagina)
    return _page(request, session, typed, filters=filters, rows=rows, page=pagina, pages=pages)


@router.get("/export")
def export(
    request: Request,
    session: SessionDep,
    _: AuditReader,
    actor: CurrentActor,
    typed: Typed,
) -> Response:
    filters, errors = parse_filters(typed)
    if errors:
        return _page(request, session, typed, errors=errors)
    service.record_export(session, filters=filters, by=actor)
    return StreamingResponse(
        csv_chunks(request.app.state.engine, filters),
        media_type=spreadsheet.MEDIA_TYPE,
        headers={
            "content-disposition": f'attachment; filename="logging-{today()}.csv"',
        },
    )


def _page(
    request: Request,
    session: Session,
    typed: dict[str, str],
    *,
    filters: AuditFilters | None = None,
    rows: list[queries.LogRow] | None = None,
    page: int = 1,
    pages: int = 1,
    errors: FormErrors | None = None,
) -> Response:
    return render(
        request,
        "auditlog/list.html",
        {
            "values": typed,
            "errors": errors or {},
            "filters": filters,
            "rows": rows or [],
            "page": page,
            "pages": pages,
            "users": queries.user_options(session),
            "organisations": [(name, name) for name in queries.organisation_names(session)],
            "actions": action_options(),
        },
        status_code=422 if errors else 200,
    )
