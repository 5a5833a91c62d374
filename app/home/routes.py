"""The start page: what each role needs first."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.covenants import queries as covenant_queries
from app.db import SessionDep, today, utcnow
from app.mail import service as mail_service
from app.minutes import readers as minutes_readers
from app.overleg import queries
from app.overleg.models import MemberRole
from app.overleg.schedule import working_days_between
from app.rights import queries as rights_queries
from app.security import permissions
from app.security.deps import CurrentUser
from app.tasks import service as task_service
from app.web import render

router = APIRouter()


@router.get("/")
def start_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    warnings, stuck = None, []
    if permissions.can_manage_covenants(user):
        warnings = covenant_queries.coverage_warnings(session, day=today())
    failed_mails = []
    if permissions.can_plan(user):
        stuck = task_service.flagged(session)
        failed_mails = mail_service.failed_messages(session)
    overdue_requests = []
    if permissions.can_handle_rights_requests(user):
        overdue_requests = rights_queries.overdue(session, day=today())
    rows = queries.series_for(session, user=user, now=utcnow())
    upcoming = sorted(
        (row for row in rows if row.next_meeting), key=lambda row: row.next_meeting.starts_at
    )  # type: ignore[union-attr]
    chairing = [row for row in upcoming if row.role in (MemberRole.CHAIR, MemberRole.SECRETARY)]
    minutes = minutes_readers.latest_readable(
        session, user=user, series=[row.series for row in upcoming]
    )
    return render(
        request,
        "home/index.html",
        {
            "warnings": warnings,
            "upcoming": upcoming,
            "latest_minutes": minutes,
            "chairing": chairing[:1],
            "today": today(),
            "working_days_until": lambda day: working_days_between(today(), day),
            "stuck_tasks": stuck,
            "failed_mails": failed_mails,
            "overdue_requests": overdue_requests,
        },
    )
