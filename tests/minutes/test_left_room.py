"""The verslag records, per item, who left the room for it (why the casus could be discussed
with names while someone uncovered was at the meeting): in the concept, the vastgestelde
version and what is shown from its snapshot, also from snapshots stored before this line."""

import json

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.minutes import flows, snapshot
from app.minutes.models import MinutesSnapshot, MinutesVersion
from tests.minutes.demo import DemoMinutes, as_user, flat, pdf_text, section

CHAIR = "voorzitter@dorpsveen.example"
LEFT = "Verliet de ruimte bij dit punt: Wouter Wonen (Woonstichting Dorpsveen)"


def item_ids(session: Session, minutes: DemoMinutes) -> dict[str, int]:
    """The meeting's casus items by the start of their pseudonym."""
    pseudonyms = {c.id: c.pseudonym for c in minutes.cases}
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == minutes.meeting.id))
    return {pseudonyms[i.case_id]: i.id for i in items if i.case_id}


def first_snapshot(session: Session, minutes: DemoMinutes) -> str:
    return session.exec(
        select(MinutesSnapshot.content)
        .join(MinutesVersion, col(MinutesVersion.id) == MinutesSnapshot.version_id)
        .where(MinutesVersion.meeting_id == minutes.meeting.id)
    ).one()


def test_the_verslag_names_who_left_the_room_at_the_items_they_left_for_only(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    chair = as_user(client, CHAIR)
    items = item_ids(session, minutes)
    left_for = {p: i for p, i in items.items() if not p.startswith("Jongere")}

    versions = [chair.get(f"{minutes.path}/{which}.pdf") for which in ("concept", "versies/1")]
    excerpts = {p: chair.get(f"{minutes.path}/uittreksel/{i}.pdf") for p, i in items.items()}
    page = chair.get(minutes.path).text

    assert len(left_for) == 3 and len(items) == 4
    for version in versions:
        assert flat(pdf_text(version.content)).count(LEFT) == 3
    for pseudonym, excerpt in excerpts.items():
        assert (LEFT in flat(pdf_text(excerpt.content))) == (pseudonym in left_for)
    for pseudonym, item_id in items.items():
        shown = section(page, f'aria-labelledby="punt-{item_id}"')
        assert (LEFT in shown) == (pseudonym in left_for)
    assert "Wouter Wonen (Woonstichting Dorpsveen)" in first_snapshot(session, minutes)


def test_a_snapshot_stored_before_the_line_existed_shows_the_verslag_without_it(
    session: Session, minutes: DemoMinutes
) -> None:
    data = json.loads(first_snapshot(session, minutes))
    for entry in data["items"]:
        del entry["left_room"]

    restored = snapshot.restore(json.dumps(data), names_allowed=False)

    assert [entry.left_room for entry in restored.items] == [[]] * len(data["items"])
    assert "Verliet de ruimte" not in flows.minutes_html(restored, concept=False)
