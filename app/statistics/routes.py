"""The Beleidsinformatie page: filters in the address, every figure as a chart and a table, and
each table as CSV for Excel (exactly the numbers shown)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import spreadsheet
from app.config import Settings
from app.db import SessionDep, today
from app.errors import NotFound
from app.security.deps import CurrentActor
from app.statistics import charts, queries, service
from app.statistics.deps import StatisticsViewer, StatisticsViewerDep
from app.statistics.filters import (
    MAX_MONTHS,
    DashboardFilters,
    month_value,
    parse_filters,
    typed_values,
)
from app.statistics.tables import Chart, StatTable
from app.web import FormErrors, attachment, render

router = APIRouter(prefix="/beleidsinformatie")


def typed_filters(van: str = "", tot: str = "", overleg: str = "") -> dict[str, str]:
    """The filters as typed in the address (validated by parse_filters, beside each field)."""
    return typed_values(today(), {"van": van, "tot": tot, "overleg": overleg})


Typed = Annotated[dict[str, str], Depends(typed_filters)]


@router.get("")
def dashboard(
    request: Request,
    session: SessionDep,
    viewer: StatisticsViewerDep,
    actor: CurrentActor,
    typed: Typed,
) -> Response:
    filters, errors = parse_filters(typed, today=today(), series_ids=viewer.series_ids)
    if errors:
        return _page(request, viewer, typed, errors=errors)
    tables = _tables(session, request.app.state.settings, viewer, filters)
    service.record_view(session, filters=filters, by=actor)
    return _page(request, viewer, typed, filters=filters, tables=tables)


@router.get("/{key}.csv")
def table_as_csv(
    request: Request,
    session: SessionDep,
    viewer: StatisticsViewerDep,
    actor: CurrentActor,
    typed: Typed,
    key: str,
) -> Response:
    filters, errors = parse_filters(typed, today=today(), series_ids=viewer.series_ids)
    if errors:
        return _page(request, viewer, typed, errors=errors)
    tables = _tables(session, request.app.state.settings, viewer, filters)
    table = next((table for table in tables if table.key == key), None)
    if table is None:
        raise NotFound
    service.record_export(session, filters=filters, key=key, by=actor)
    period = f"{month_value(filters.first_month)}-tot-en-met-{month_value(filters.last_month)}"
    return attachment(
        spreadsheet.csv_document(table.csv_rows()).encode(),
        media_type=spreadsheet.MEDIA_TYPE,
        filename=f"beleidsinformatie-{key}-{period}.csv",
    )


def _tables(
    session: Session, settings: Settings, viewer: StatisticsViewer, filters: DashboardFilters
) -> list[StatTable]:
    chosen = [filters.series_id] if filters.series_id is not None else sorted(viewer.series_ids)
    return queries.dashboard(
        session,
        series_ids=chosen,
        first_month=filters.first_month,
        last_month=filters.last_month,
        today=today(),
        min_count=settings.statistics_min_count,
        target_working_days=settings.minutes_target_working_days,
    )


def _page(
    request: Request,
    viewer: StatisticsViewer,
    typed: dict[str, str],
    *,
    filters: DashboardFilters | None = None,
    tables: list[StatTable] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    names = dict(viewer.series)
    chosen = filters.series_id if filters else None
    settings: Settings = request.app.state.settings
    return render(
        request,
        "statistics/dashboard.html",
        {
            "values": typed,
            "errors": errors or {},
            "filters": filters,
            "tables": tables or [],
            "charts": {
                table.key: charts.draw(table) for table in tables or [] if table.chart != Chart.NONE
            },
            "series_options": viewer.series,
            "scope_name": names[chosen] if chosen is not None else _all_series(viewer),
            "min_count": settings.statistics_min_count,
            "max_months": MAX_MONTHS,
        },
        status_code=422 if errors else 200,
    )


def _all_series(viewer: StatisticsViewer) -> str:
    return "alle overleggen" if viewer.user.is_admin else "alle overleggen die u voorzit"
