"""Reminders: a person may switch the weekly digest off, and each digest and verslag reminder
sent is recorded under a unique key, so that several app processes send it once.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("weekoverzicht", "verslag niet vastgesteld")


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weekly_digest", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    quoted = ", ".join(f"'{kind}'" for kind in KINDS)
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="reminderkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"kind IN ({quoted})", name=op.f("ck_reminder_sent_kind")),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (meeting_id IS NULL)", name=op.f("ck_reminder_sent_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_reminder_sent_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_reminder_sent_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint("meeting_id", "kind", name=op.f("uq_reminder_sent_meeting_id")),
        sa.UniqueConstraint("user_id", "kind", "period", name=op.f("uq_reminder_sent_user_id")),
    )


def downgrade() -> None:
    op.drop_table("reminder_sent")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("weekly_digest")
