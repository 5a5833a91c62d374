"""Flash messages: a confirmation waiting, with its session, for the next page.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flash_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_session.id"],
            name=op.f("fk_flash_message_session_id_user_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flash_message")),
    )
    with op.batch_alter_table("flash_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flash_message_session_id"), ["session_id"])


def downgrade() -> None:
    with op.batch_alter_table("flash_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flash_message_session_id"))
    op.drop_table("flash_message")
