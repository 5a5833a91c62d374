"""What a vastgestelde version was rendered from, stored beside it as JSON: the record of the
meeting without residents' names (with_names adds those when a document is shown). Once the
minutes are vastgesteld, the verslag page, the uittreksels and the actieoverzichten show the
latest version's snapshot, so corrections typed for the next version stay out of them."""

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.cases.models import Case
from app.meetings.models import ItemContribution, ItemRecord
from app.minutes import queries
from app.minutes.models import MinutesSnapshot, MinutesVersion
from app.minutes.queries import AttendanceLine, Kind, Minutes, MinutesItem, TaskLine
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries
from app.overleg.schedule import local
from app.tasks.models import Task

FORMAT = 1
# Texts no verslag shows stay out of a table whose rows are never changed or deleted.
ITEM_LEFT_OUT = {"description"}
CASE_LEFT_OUT = {
    "reason",
    "question",
    "done_so_far",
    "situation",
    "involved_organisations",
    "escalation_reason",
    "closed_reason",
}
CASE_REQUIRED_BLANKS = {"reason": "", "question": ""}


def dump(minutes: Minutes) -> str:
    """The full minutes as JSON; the names of residents are never part of it."""
    return json.dumps(
        {
            "format": FORMAT,
            "series": minutes.series.model_dump(mode="json"),
            "meeting": minutes.meeting.model_dump(mode="json"),
            "day": minutes.day.isoformat(),
            "chairs": minutes.chairs,
            "minute_taker": minutes.minute_taker,
            "covenant": minutes.covenant,
            "attendance": [
                [organisation, [asdict(line) for line in lines]]
                for organisation, lines in minutes.attendance
            ],
            "items": [_dump_item(entry) for entry in minutes.items],
            "open_tasks": [
                [organisation, [_dump_line(line) for line in lines]]
                for organisation, lines in minutes.open_tasks
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _dump_item(entry: MinutesItem) -> dict[str, Any]:
    return {
        "number": entry.number,
        "item": entry.item.model_dump(mode="json", exclude=ITEM_LEFT_OUT),
        "record": entry.record.model_dump(mode="json"),
        "case": entry.case.model_dump(mode="json", exclude=CASE_LEFT_OUT) if entry.case else None,
        "anonymous": entry.anonymous,
        "submitted_by": entry.submitted_by,
        "owner": entry.owner,
        "contributions": [
            [organisation, contribution.model_dump(mode="json")]
            for organisation, contribution in entry.contributions
        ],
        "tasks": [_dump_line(line) for line in entry.tasks],
        "earlier_tasks": [_dump_line(line) for line in entry.earlier_tasks],
        "left_room": entry.left_room,
    }


def _dump_line(line: TaskLine) -> dict[str, Any]:
    return {
        "task": line.task.model_dump(mode="json"),
        "case_label": line.case_label,
        "organisation": line.organisation,
        "person": line.person,
    }


def restore(content: str, *, names_allowed: bool) -> Minutes:
    """The full minutes back from their JSON (objects not in any session, never to be added);
    whether names may be shown is decided now, not when the version was stored."""
    data = json.loads(content)
    if data["format"] != FORMAT:
        raise ValueError(f"onbekend formaat van een verslag-snapshot: {data['format']}")
    return Minutes(
        kind=Kind.FULL,
        series=MeetingSeries.model_validate(data["series"]),
        meeting=Meeting.model_validate(data["meeting"]),
        day=date.fromisoformat(data["day"]),
        chairs=data["chairs"],
        minute_taker=data["minute_taker"],
        covenant=data["covenant"],
        attendance=[
            (organisation, [AttendanceLine(**line) for line in lines])
            for organisation, lines in data["attendance"]
        ],
        items=[_restore_item(entry) for entry in data["items"]],
        open_tasks=[
            (organisation, [_restore_line(line) for line in lines])
            for organisation, lines in data["open_tasks"]
        ],
        names_allowed=names_allowed,
    )


def _restore_item(entry: dict[str, Any]) -> MinutesItem:
    case = entry["case"]
    return MinutesItem(
        number=entry["number"],
        item=AgendaItem.model_validate(entry["item"]),
        record=ItemRecord.model_validate(entry["record"]),
        case=Case.model_validate(CASE_REQUIRED_BLANKS | case) if case else None,
        anonymous=entry["anonymous"],
        submitted_by=entry["submitted_by"],
        owner=entry["owner"],
        contributions=[
            (organisation, ItemContribution.model_validate(contribution))
            for organisation, contribution in entry["contributions"]
        ],
        tasks=[_restore_line(line) for line in entry["tasks"]],
        earlier_tasks=[_restore_line(line) for line in entry["earlier_tasks"]],
        # Versions vastgesteld before the verslag named who left the room do not have it.
        left_room=entry.get("left_room", []),
    )


def _restore_line(line: dict[str, Any]) -> TaskLine:
    return TaskLine(
        task=Task.model_validate(line["task"]),
        case_label=line["case_label"],
        organisation=line["organisation"],
        person=line["person"],
    )


def latest(session: Session, *, access: SeriesAccess, meeting: Meeting) -> Minutes | None:
    """What the newest vastgestelde version was rendered from; None before the first version
    (or for a version stored before snapshots existed)."""
    content = session.exec(
        select(MinutesSnapshot.content)
        .select_from(MinutesVersion)
        .join(MinutesSnapshot, col(MinutesSnapshot.version_id) == MinutesVersion.id, isouter=True)
        .where(MinutesVersion.meeting_id == meeting.id)
        .order_by(col(MinutesVersion.number).desc())
        .limit(1)
    ).first()
    if content is None:
        return None
    day = local(meeting.starts_at).date()
    return restore(
        content, names_allowed=queries.names_allowed(session, series=access.series, day=day)
    )
