"""Planning: overleggen, members, meetings, agenda, attendance, declarations; the mail outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 21:13:58.367351
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column(
            "attachment_filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column(
            "attachment_content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True
        ),
        sa.Column("attachment", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "wachtend",
                "verzonden",
                "mislukt",
                name="outboxstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_message_status"), ["status"], unique=False)

    op.create_table(
        "meeting_series",
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("deadline_working_days", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "integraal overleg",
                "multidisciplinair overleg",
                "casusoverleg",
                name="serieskind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("default_location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("allow_declarations", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"], ["covenant.id"], name=op.f("fk_meeting_series_covenant_id_covenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
        sa.UniqueConstraint("name", name=op.f("uq_meeting_series_name")),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_series_covenant_id"), ["covenant_id"], unique=False
        )

    op.create_table(
        "calendar_feed_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_calendar_feed_token_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_token_user_id")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=True),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "gepland",
                "agenda vastgesteld",
                "bezig",
                "afgerond",
                "verslag vastgesteld",
                "geannuleerd",
                name="meetingstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "cancellation_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.Column("holiday_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("agenda_deadline", sa.Date(), nullable=False),
        sa.Column("reminder_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_meeting_series_id_meeting_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(
            "uq_meeting_series_occurrence",
            ["series_id", "occurrence_date"],
            unique=True,
            sqlite_where=sa.text("occurrence_date IS NOT NULL"),
            postgresql_where=sa.text("occurrence_date IS NOT NULL"),
        )

    op.create_table(
        "series_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "voorzitter", "secretaris", "lid", name="memberrole", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meeting_series.id"],
            name=op.f("fk_series_member_series_id_meeting_series"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_series_member_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_member")),
        sa.UniqueConstraint("series_id", "user_id", name=op.f("uq_series_member_series_id")),
    )
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_member_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_series_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "series_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_series_organisation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meeting_series.id"],
            name=op.f("fk_series_organisation_series_id_meeting_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_organisation")),
        sa.UniqueConstraint(
            "series_id", "organisation_id", name=op.f("uq_series_organisation_series_id")
        ),
    )
    with op.batch_alter_table("series_organisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_series_organisation_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_series_organisation_series_id"), ["series_id"], unique=False
        )

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "nieuwe casus",
                "vervolg",
                "terugkoppeling",
                "algemeen",
                name="agendaitemkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("added_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_agenda_item_added_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "attendance_intention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum("ja", "nee", name="attendance", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_intention_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_attendance_intention_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_intention")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_attendance_intention_meeting_id")
        ),
    )
    with op.batch_alter_table("attendance_intention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_intention_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_intention_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "confidentiality_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("guest_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "guest_organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column("text_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("on_paper", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_confidentiality_declaration_meeting_id_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_confidentiality_declaration_recorded_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["text_id"],
            ["declaration_text.id"],
            name=op.f("fk_confidentiality_declaration_text_id_declaration_text"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_confidentiality_declaration_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidentiality_declaration")),
    )
    with op.batch_alter_table("confidentiality_declaration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confidentiality_declaration_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("confidentiality_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_confidentiality_declaration_meeting_id"))

    op.drop_table("confidentiality_declaration")
    with op.batch_alter_table("attendance_intention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_intention_user_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_intention_meeting_id"))

    op.drop_table("attendance_intention")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))

    op.drop_table("agenda_item")
    with op.batch_alter_table("series_organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_organisation_series_id"))
        batch_op.drop_index(batch_op.f("ix_series_organisation_organisation_id"))

    op.drop_table("series_organisation")
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_series_member_series_id"))

    op.drop_table("series_member")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meeting_series_occurrence",
            sqlite_where=sa.text("occurrence_date IS NOT NULL"),
            postgresql_where=sa.text("occurrence_date IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meeting_series_id"))

    op.drop_table("meeting")
    op.drop_table("calendar_feed_token")
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_series_covenant_id"))

    op.drop_table("meeting_series")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_next_attempt_at"))

    op.drop_table("outbox_message")
