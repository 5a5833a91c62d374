"""The live meeting: attendance, who left the room, item records and contributions; tasks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:59:07.878808
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("guest_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("guest_organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "presence",
            sa.Enum(
                "aanwezig",
                "afwezig met bericht",
                "afwezig",
                name="presence",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["guest_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_attendance_guest_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendance_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_meeting_attendance_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendance")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_attendance_meeting_id")),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendance_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "item_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("attendance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_item_absence_agenda_item_id_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["attendance_id"],
            ["meeting_attendance.id"],
            name=op.f("fk_item_absence_attendance_id_meeting_attendance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_absence")),
        sa.UniqueConstraint(
            "agenda_item_id", "attendance_id", name=op.f("uq_item_absence_agenda_item_id")
        ),
    )
    with op.batch_alter_table("item_absence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_absence_agenda_item_id"), ["agenda_item_id"], unique=False
        )

    op.create_table(
        "item_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "legal_basis",
            sa.Enum(
                "toestemming",
                "wettelijke taak",
                "vitaal belang",
                "convenant",
                name="legalbasis",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_item_contribution_agenda_item_id_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_item_contribution_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_contribution")),
    )
    with op.batch_alter_table("item_contribution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_contribution_agenda_item_id"), ["agenda_item_id"], unique=False
        )

    op.create_table(
        "item_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("dissent", sa.Text(), nullable=False),
        sa.Column(
            "next_step",
            sa.Enum(
                "terug op de volgende bijeenkomst",
                "terug op een datum",
                "opschalen",
                "afsluiten",
                name="nextstep",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("next_step_date", sa.Date(), nullable=True),
        sa.Column(
            "escalation_body",
            sa.Enum(
                "Zorg- en Veiligheidshuis",
                "Veilig Thuis",
                "andere instantie",
                name="escalationbody",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        sa.Column(
            "informing",
            sa.Enum(
                "geïnformeerd",
                "wordt geïnformeerd",
                "niet geïnformeerd",
                name="informing",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("informing_how", sa.Text(), nullable=False),
        sa.Column("discussed_anonymously", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_item_record_agenda_item_id_agenda_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_record")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_item_record_agenda_item_id")),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("assignee_organisation_id", sa.Integer(), nullable=False),
        sa.Column("assignee_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "gereed", "vervallen", name="taskstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("feedback_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column(
            "not_done_reason",
            sa.Enum(
                "omstandigheden gewijzigd",
                "niet gedaan",
                name="notdonereason",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("carried_forward", sa.Integer(), nullable=False),
        sa.Column("reviewed_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_item.id"], name=op.f("fk_task_agenda_item_id_agenda_item")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_task_assignee_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"], ["app_user.id"], name=op.f("fk_task_assignee_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_task_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_task_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_at_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_task_reviewed_at_meeting_id_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_task_series_id_meeting_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_assignee_organisation_id"),
            ["assignee_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_task_assignee_user_id"), ["assignee_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_status"))
        batch_op.drop_index(batch_op.f("ix_task_series_id"))
        batch_op.drop_index(batch_op.f("ix_task_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_task_case_id"))
        batch_op.drop_index(batch_op.f("ix_task_assignee_user_id"))
        batch_op.drop_index(batch_op.f("ix_task_assignee_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_task_agenda_item_id"))

    op.drop_table("task")
    op.drop_table("item_record")
    with op.batch_alter_table("item_contribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_contribution_agenda_item_id"))

    op.drop_table("item_contribution")
    with op.batch_alter_table("item_absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_absence_agenda_item_id"))

    op.drop_table("item_absence")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_meeting_id"))

    op.drop_table("meeting_attendance")
