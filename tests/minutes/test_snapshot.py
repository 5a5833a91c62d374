"""After vaststellen the verslag is what was vastgesteld: the page, the uittreksels and the
actieoverzichten show the record the latest version was rendered from (stored beside it,
without residents' names, never changed), until the chair stores a correction."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.meetings.models import ItemAbsence, ItemRecord, MeetingAttendance
from app.meetings.service import fingerprint
from app.minutes.models import MinutesSnapshot, MinutesVersion
from app.users.models import User
from tests.conftest import csrf_from
from tests.minutes.demo import (
    DEMO_BSNS,
    DEMO_NAMES,
    DemoMinutes,
    as_user,
    flat,
    names_in_minutes,
    pdf_text,
    stored,
)

CHAIR = "voorzitter@dorpsveen.example"
CORRECTED = "Veiligheidsplan binnen twee weken, verbeterd door de voorzitter"


def shown(page: str) -> str:
    """The verslag itself on its page (without the download and correction panel)."""
    return page.split('<div class="casustafel-minutes">', 1)[1].split("</main>", 1)[0]


def item_of(session: Session, minutes: DemoMinutes, pseudonym_start: str) -> AgendaItem:
    case = next(c for c in minutes.cases if c.pseudonym.startswith(pseudonym_start))
    return session.exec(
        select(AgendaItem).where(
            AgendaItem.case_id == case.id, AgendaItem.meeting_id == minutes.meeting.id
        )
    ).one()


def snapshots(session: Session, minutes: DemoMinutes) -> list[str]:
    return list(
        session.exec(
            select(MinutesSnapshot.content)
            .join(MinutesVersion, col(MinutesVersion.id) == MinutesSnapshot.version_id)
            .where(MinutesVersion.meeting_id == minutes.meeting.id)
            .order_by(col(MinutesVersion.number))
        ).all()
    )


def test_corrections_and_refused_changes_leave_the_verslag_as_vastgesteld_until_a_correction(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    chair = as_user(client, CHAIR)
    item = item_of(session, minutes, "Moeder")
    record = session.exec(select(ItemRecord).where(ItemRecord.agenda_item_id == item.id)).one()
    housing = session.exec(
        select(MeetingAttendance)
        .join(User, col(User.id) == MeetingAttendance.user_id)
        .where(
            MeetingAttendance.meeting_id == minutes.meeting.id,
            User.email == "woningcorporatie@wonen.example",
        )
    ).one()
    meeting_path = minutes.path.removesuffix("/verslag")
    live, excerpt = f"{meeting_path}/live", f"{minutes.path}/uittreksel/{item.id}.pdf"
    before = shown(chair.get(minutes.path).text)
    token = csrf_from(chair, live)

    saved = chair.post(
        f"{live}/punten/{item.id}/tekst/decisions",
        data={"value": CORRECTED, "version": fingerprint(record.decisions), "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    refused = [
        chair.post(f"{live}/gasten", data={"guest_name": "Gerda Gast", "csrf_token": token}),
        chair.post(f"{meeting_path}/agenda/vervolg", data={"csrf_token": token}),
        chair.post(
            f"{live}/punten/{item.id}/ruimte/{housing.id}",
            data={"left": "false", "csrf_token": token},
        ),
    ]
    page = chair.get(minutes.path).text
    first_excerpt = chair.get(excerpt)

    assert saved.status_code == 200
    assert [r.status_code for r in refused] == [409, 409, 409]
    assert shown(page) == before
    assert CORRECTED not in page
    assert first_excerpt.status_code == 200 and CORRECTED not in flat(
        pdf_text(first_excerpt.content)
    )
    assert session.exec(select(ItemAbsence).where(ItemAbsence.agenda_item_id == item.id)).one()

    corrected = chair.post(
        f"{minutes.path}/correctie",
        data={"reason": "Besluit verduidelijkt", "csrf_token": csrf_from(chair, minutes.path)},
    )

    assert corrected.status_code == 303
    assert CORRECTED in shown(chair.get(minutes.path).text)
    assert CORRECTED in flat(pdf_text(chair.get(excerpt).content))
    assert CORRECTED in flat(pdf_text(stored(session, minutes.meeting, 2)[1]))
    assert CORRECTED not in snapshots(session, minutes)[0]


def test_a_snapshot_holds_no_names_of_residents_they_are_added_when_shown(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)
    chair = as_user(client, CHAIR)

    corrected = chair.post(
        f"{minutes.path}/correctie",
        data={"reason": "Namen in het verslag", "csrf_token": csrf_from(chair, minutes.path)},
    )

    assert corrected.status_code == 303
    assert "Kees Wildeboer" in flat(pdf_text(stored(session, minutes.meeting, 2)[1]))
    assert "Kees Wildeboer" in chair.get(minutes.path).text
    contents = snapshots(session, minutes)
    assert len(contents) == 2
    for content in contents:
        for secret in DEMO_NAMES + DEMO_BSNS + [c.reason for c in minutes.cases]:
            assert secret not in content


@pytest.mark.parametrize(
    "statement",
    ["UPDATE minutes_snapshot SET content = '{}'", "DELETE FROM minutes_snapshot"],
)
def test_the_database_refuses_to_change_a_snapshot(
    session: Session, minutes: DemoMinutes, statement: str
) -> None:
    with pytest.raises(Exception, match="immutable"):
        session.execute(text(statement))

    assert len(snapshots(session, minutes)) == 1
