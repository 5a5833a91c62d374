"""Casussen: the casus, its encrypted persons with blind indexes, its timeline; agenda items link to it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:41:42.904801
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("categories", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("children_involved", sa.Boolean(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum("regulier", "urgent", "spoed", name="urgency", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("done_so_far", sa.Text(), nullable=False),
        sa.Column(
            "involved_organisations", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False
        ),
        sa.Column("identified", sa.Boolean(), nullable=False),
        sa.Column(
            "age_band",
            sa.Enum(
                "0-11 jaar",
                "12-17 jaar",
                "18-26 jaar",
                "27-45 jaar",
                "46-66 jaar",
                "67 jaar en ouder",
                name="ageband",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column(
            "consent",
            sa.Enum(
                "verkregen",
                "niet gevraagd",
                "geweigerd",
                name="consent",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
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
        sa.Column("submitting_organisation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "aangemeld",
                "in behandeling",
                "opgeschaald",
                "afgesloten",
                name="casestatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column(
            "escalated_to",
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
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column(
            "escalation_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("repeat_of_case_id", sa.Integer(), nullable=True),
        sa.Column("last_discussed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_case_file_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_file_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["app_user.id"], name=op.f("fk_case_file_owner_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["repeat_of_case_id"],
            ["case_file.id"],
            name=op.f("fk_case_file_repeat_of_case_id_case_file"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_case_file_series_id_meeting_series")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_case_file_submitted_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["submitting_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_file_submitting_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
        sa.UniqueConstraint("series_id", "reference", name=op.f("uq_case_file_series_id")),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_file_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_series_id"), ["series_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_file_submitting_organisation_id"),
            ["submitting_organisation_id"],
            unique=False,
        )

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_event_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_case_event_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_case_event_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_encrypted", sa.Text(), nullable=False),
        sa.Column("birth_date_encrypted", sa.Text(), nullable=False),
        sa.Column("bsn_encrypted", sa.Text(), nullable=True),
        sa.Column("address_encrypted", sa.Text(), nullable=False),
        sa.Column("bsn_index", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("name_birth_index", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_person_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_person")),
    )
    with op.batch_alter_table("case_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_person_bsn_index"), ["bsn_index"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_person_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_person_name_birth_index"), ["name_birth_index"], unique=False
        )

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agenda_item_case_id"), ["case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_case_id_case_file"), "case_file", ["case_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agenda_item_case_id_case_file"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agenda_item_case_id"))
        batch_op.drop_column("case_id")

    with op.batch_alter_table("case_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_person_name_birth_index"))
        batch_op.drop_index(batch_op.f("ix_case_person_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_person_bsn_index"))

    op.drop_table("case_person")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_case_id"))

    op.drop_table("case_event")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_submitting_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_series_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_meeting_id"))

    op.drop_table("case_file")
