"""Migration 0007: paper declarations typed by name are linked to the guest of that name."""

from alembic import command
from sqlalchemy import create_engine, text
from sqlmodel import Session

from app.attendance.service import current_declaration_text
from app.cli import alembic_config
from app.meetings.models import MeetingAttendance, Presence
from app.overleg.models import MeetingSeries
from tests.meetings.test_live import open_meeting
from tests.planning import Table


def test_paper_declarations_are_linked_to_the_guest_with_exactly_that_name(
    database_url: str, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    gerda = MeetingAttendance(
        meeting_id=meeting.id, guest_name="Gerda Gast", presence=Presence.PRESENT
    )
    session.add(gerda)
    session.commit()
    declaration_text = current_declaration_text(session)
    assert declaration_text is not None
    ids = {"meeting": meeting.id, "text": declaration_text.id, "gerda": gerda.id}
    session.close()
    config = alembic_config(database_url)
    command.downgrade(config, "0006")
    engine = create_engine(database_url)
    with engine.begin() as db:
        for name in ("Gerda Gast", "gerda gast", "Gerda Gast"):
            db.execute(
                text(
                    "INSERT INTO confidentiality_declaration "
                    "(meeting_id, guest_name, text_id, signed_at, on_paper) "
                    "VALUES (:meeting, :name, :text, CURRENT_TIMESTAMP, :paper)"
                ),
                {"meeting": ids["meeting"], "name": name, "text": ids["text"], "paper": True},
            )

    command.upgrade(config, "head")

    with engine.connect() as db:
        linked = db.execute(
            text("SELECT guest_name, attendance_id FROM confidentiality_declaration ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in linked] == [
        ("Gerda Gast", ids["gerda"]),
        ("gerda gast", None),
        ("Gerda Gast", None),
    ]
