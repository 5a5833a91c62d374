"""Single sign-on: login attempts under way at a provider, and provider accounts linked to ours.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_attempt",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("binding", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("code_verifier", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("next_path", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_attempt")),
    )
    with op.batch_alter_table("sso_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_attempt_created_at"), ["created_at"])

    op.create_table(
        "sso_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_sso_link_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_link")),
        sa.UniqueConstraint("subject", "provider", name=op.f("uq_sso_link_subject")),
        sa.UniqueConstraint("user_id", "provider", name=op.f("uq_sso_link_user_id")),
    )
    with op.batch_alter_table("sso_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_link_user_id"), ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("sso_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_link_user_id"))
    op.drop_table("sso_link")
    with op.batch_alter_table("sso_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_attempt_created_at"))
    op.drop_table("sso_attempt")
