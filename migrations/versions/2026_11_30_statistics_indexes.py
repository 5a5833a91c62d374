"""Indexes for the beleidsinformatie dashboard: the figures read the columns they count from
these indexes (casussen and tasks by overleg and moment, persons by casus, agenda items by
meeting), not from the wide rows with their encrypted texts.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_COLUMNS = [
    "series_id",
    "submitted_at",
    "accepted",
    "status",
    "closed_on",
    "escalated_on",
    "escalated_to",
    "urgency",
    "submitting_organisation_id",
    "repeat_of_case_id",
    "categories",
]
TASK_COLUMNS = [
    "series_id",
    "created_at",
    "status",
    "assignee_organisation_id",
    "due_on",
    "carried_forward",
]

INDEXES = (
    ("ix_case_file_statistics", "case_file", CASE_COLUMNS),
    ("ix_case_file_repeat_of_case_id", "case_file", ["repeat_of_case_id"]),
    ("ix_case_person_blind_indexes", "case_person", ["case_id", "bsn_index", "name_birth_index"]),
    ("ix_task_statistics", "task", TASK_COLUMNS),
    ("ix_agenda_item_meeting_case", "agenda_item", ["meeting_id", "case_id"]),
    ("ix_item_record_anonymous", "item_record", ["agenda_item_id", "discussed_anonymously"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
