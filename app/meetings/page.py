"""The live page of the chair: rendering it, and answering the forms on it (a refusal comes
back beside its field, with what was typed)."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import disclosure
from app.cases import service as case_service
from app.cases.models import EscalationBody, LegalBasis
from app.contacts import queries as contact_queries
from app.contacts.queries import Contact
from app.db import SessionDep, today
from app.errors import DomainError, NotFound
from app.meetings import queries, service
from app.meetings.models import (
    TEXT_FIELDS,
    TEXT_LENGTH,
    TEXT_LENGTHS,
    Informing,
    MeetingAttendance,
    NextStep,
    Presence,
)
from app.overleg.access import SeriesAccess
from app.overleg.deps import ChairDep, MeetingDep
from app.overleg.models import Meeting, MeetingStatus
from app.security.crypto import CaseCrypto
from app.security.deps import CurrentActor
from app.tasks.models import NotDoneReason
from app.web import (
    FormErrors,
    domain_errors,
    enum_options,
    redirect,
    refusal_status,
    render,
    render_fragments,
    wants_parts,
)

# A part of the live page an action changed: a template `meetings/_<name>.html` and what it
# needs besides the page's context (e.g. which organisation's contribution).
Part = tuple[str, dict[str, Any]]
NAV: Part = ("nav", {})
# The state of the item in view and the count in the navigator, after a change to that item.
NAV_STATE: Part = ("nav_state", {})
ITEM: Part = ("item", {})
CASE: Part = ("case", {})
NOTICE: Part = ("notice", {})
# Parts that show who is in the room: the casus' persons or whether it is discussed anonymously.
ROOM_PARTS = {"nav", "attendance", "case", "item"}
# Parts that show nothing of the item in view beyond the navigator, and parts that show the
# item without its contributions and tasks: what they need is all that is read.
OVERVIEW_PARTS = {"nav", "attendance", "notice"}
ITEM_PARTS = {"owner", "outcome", "nav_state", "task_form", "task_added", "task", "review_task"}


def scope_of(parts: Sequence[Part]) -> queries.Scope:
    names = {name for name, _ in parts}
    if names <= OVERVIEW_PARTS:
        return queries.Scope.OVERVIEW
    if names <= OVERVIEW_PARTS | ITEM_PARTS:
        return queries.Scope.ITEM
    return queries.Scope.ALL


def revealed(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    crypto: CaseCrypto,
    actor: Actor,
    item_id: int | None,
    room: bool = True,
    scope: queries.Scope = queries.Scope.ALL,
) -> tuple[queries.LiveMeeting, queries.LiveItem | None]:
    """The live meeting and the item in view, with the persons the chair may see of that item's
    casus only when nobody uncovered is in the room (through the disclosure door: logged once
    per user per casus per meeting, and committed before it is returned). Without `room`, for
    the parts of one item that show no persons: nothing about the room is looked up, nothing
    revealed."""
    live = queries.load(
        session,
        access=access,
        meeting=meeting,
        room=room,
        only_in_view=True,
        item_id=item_id,
        scope=scope,
    )
    current = live.item(item_id)
    # Without the room nobody's coverage is known: nothing may be revealed.
    case = current.case if room and current is not None else None
    if case is not None and any(shown is case for shown in live.shown_cases):
        people = disclosure.for_live_meeting(
            session,
            access=access,
            meeting_id=meeting.id,
            day=live.day,
            cases=[case],
            crypto=crypto,
            actor=actor,
        )
        current.people = people.get(case.id)
    return live, current


def _context(
    access: SeriesAccess,
    meeting: Meeting,
    live: queries.LiveMeeting,
    current: queries.LiveItem | None,
    values: dict[str, Any] | None,
    errors: FormErrors | None,
) -> dict[str, Any]:
    return {
        "series": access.series,
        "access": access,
        "meeting": meeting,
        "editable": meeting.status == MeetingStatus.IN_PROGRESS,
        "text_editable": meeting.status in service.TEXT_CORRECTABLE,
        "live": live,
        "live_item": current,
        "values": values or {},
        "errors": errors or {},
        "presences": enum_options(Presence),
        "next_steps": enum_options(NextStep),
        "informings": enum_options(Informing),
        "bodies": enum_options(EscalationBody),
        "bases": enum_options(LegalBasis),
        "not_done_reasons": enum_options(NotDoneReason),
        "text_fields": TEXT_FIELDS,
        "text_lengths": TEXT_LENGTHS,
        "contribution_length": TEXT_LENGTH,
        "fingerprint": service.fingerprint,
        "owner_key": case_service.owner_key,
        "organisation_choices": [(o.id, o.name) for o in live.organisations],
        "guest_choices": [
            (a.attendance.id, f"{a.name} ({a.organisation})")
            for a in live.guests_without_declaration
            if a.attendance
        ],
        "person_choices": [
            (u.id, f"{u.name} ({u.organisation.name})") for u in live.choosable_people
        ],
        "organisation_names": {o.id: o.name for o in live.organisations},
        "person_names": {u.id: u.name for u in live.people},
    }


@dataclass
class Live:
    """One request on the live page of a meeting, by its chair: what every form on it needs to
    run its use case and answer with the parts it changed (htmx), or with the page (no JS)."""

    request: Request
    session: Session
    access: SeriesAccess
    meeting: Meeting
    actor: Actor

    @property
    def path(self) -> str:
        return f"/overleggen/{self.access.series.id}/bijeenkomsten/{self.meeting.id}/live"

    def item(self, item_id: int) -> AgendaItem:
        """An agenda item of this meeting, or 404."""
        item = self.session.get(AgendaItem, item_id)
        if item is None or item.meeting_id != self.meeting.id:
            raise NotFound
        return item

    def attendance(self, attendance_id: int) -> MeetingAttendance:
        """A row of this meeting's attendance, or 404."""
        row = self.session.get(MeetingAttendance, attendance_id)
        if row is None or row.meeting_id != self.meeting.id:
            raise NotFound
        return row

    def page(
        self,
        *,
        item_id: int | None = None,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        missing: list[Any] | None = None,
        status_code: int = 422,
    ) -> Response:
        """The live page with one item in view; without JavaScript every form comes back here
        with its errors and typed values (422 for a form to put right, `status_code` when the
        meeting no longer allows it)."""
        context = self._context(item_id, values, errors, room=True)
        return render(
            self.request,
            "meetings/live.html",
            context | {"missing": missing or []},
            status_code=status_code if errors else 200,
        )

    def parts(
        self,
        parts: Sequence[Part],
        *,
        item_id: int | None = None,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Response:
        """What an htmx action changed: the first part replaces the form that was sent, the
        others swap themselves in by id; a refusal shows beside its field."""
        room = any(name in ROOM_PARTS for name, _ in parts)
        context = self._context(item_id, values, errors, room=room, scope=scope_of(parts))
        rendered = [
            (f"meetings/_{name}.html", extra | {"oob": index > 0})
            for index, (name, extra) in enumerate(parts)
        ]
        return render_fragments(self.request, rendered, context, status_code=status_code)

    def part_of_item(self, item_id: int, part: Part) -> Response:
        """A part of one item, to bring into view without a reload (the page without JS)."""
        item = self.item(item_id)
        if not wants_parts(self.request):
            return self.back(item.id)
        return self.parts([part], item_id=item.id)

    def back(self, item_id: int | None, anchor: str = "") -> Response:
        """Back to the live page without JavaScript, at the item and the part just changed."""
        query = f"?punt={item_id}" if item_id else ""
        return redirect(self.request, self.path + query + (f"#{anchor}" if anchor else ""))

    def act(
        self,
        form: dict[str, Any],
        action: Callable[[], object],
        *,
        parts: Sequence[Part],
        item_id: int | None = None,
        anchor: str = "",
    ) -> Response:
        """Run a use case and answer with the parts it changed (htmx), or back to the page at
        the item (a plain form); a refusal comes back beside its field with what was typed."""
        try:
            action()
        except DomainError as exc:
            self.session.rollback()
            return self.refused(form, exc, parts=parts, item_id=item_id)
        if not wants_parts(self.request):
            return self.back(item_id, anchor)
        return self.parts(parts, item_id=item_id)

    def refused(
        self,
        form: dict[str, Any],
        exc: DomainError,
        *,
        parts: Sequence[Part],
        item_id: int | None = None,
        missing: list[Any] | None = None,
    ) -> Response:
        """A refused form: its part with the message beside the field (htmx), or the page."""
        errors, status = domain_errors(exc), refusal_status(exc)
        if wants_parts(self.request) and parts:
            notice = [NOTICE] if "__all__" in errors else []
            return self.parts(
                [*parts[:1], *notice],
                item_id=item_id,
                values=form,
                errors=errors,
                status_code=status,
            )
        return self.page(
            item_id=item_id, values=form, errors=errors, missing=missing, status_code=status
        )

    def _context(
        self,
        item_id: int | None,
        values: dict[str, Any] | None,
        errors: FormErrors | None,
        *,
        room: bool,
        scope: queries.Scope = queries.Scope.ALL,
    ) -> dict[str, Any]:
        live, current = revealed(
            self.session,
            access=self.access,
            meeting=self.meeting,
            crypto=self.request.app.state.crypto,
            actor=self.actor,
            item_id=item_id,
            room=room,
            scope=scope,
        )
        return _context(self.access, self.meeting, live, current, values, errors) | {
            "base": self.path,
            "newcomer_ids": contact_queries.newcomer_ids(
                self.session, series=self.access.series, meeting=self.meeting
            ),
            "owner_contacts": self._owner_contacts(current),
        }

    def _owner_contacts(self, current: queries.LiveItem | None) -> list[Contact]:
        """Whom to call about the casus in view (the chair sees every casus of the overleg)."""
        if current is None or current.case is None:
            return []
        by_case = contact_queries.owner_contacts_by_case(
            self.session, cases=[current.case], day=today()
        )
        return by_case[current.case.id]


# Pure: runs on the event loop, no thread hop.
async def live_request(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Live:
    # An action answers with the parts it changed, rendered after its commit: the meeting and
    # its overleg are as this request left them and every part is read anew, so reloading
    # them after the commit would only cost statements.
    session.expire_on_commit = False
    return Live(request, session, access, meeting, actor)


LiveDep = Annotated[Live, Depends(live_request)]


@contextmanager
def fields_named(suffix: object, prefix: str = "", default: str = "") -> Iterator[None]:
    """A refusal from a use case, beside its field on the live page, where field names carry
    the item's or task's id so that one page holds a form per item."""
    try:
        yield
    except DomainError as exc:
        field = f"{prefix}{exc.field or default}-{suffix}"
        raise type(exc)(exc.message, field=field) from exc
