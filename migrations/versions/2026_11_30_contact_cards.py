"""Contact cards: a person's function, work phone (E.164), bereikbaarheid and vervanger (with
an optional 'afwezig t/m'); and when each member took their seat at an overleg, so the table
can introduce newcomers. Members seated before this revision count from the overleg's
planning, so none of them shows as new.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "contact_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("function", text(length=100), nullable=True),
        sa.Column("phone", text(length=20), nullable=True),
        sa.Column("availability", text(length=300), nullable=True),
        sa.Column("deputy_user_id", sa.Integer(), nullable=True),
        sa.Column("away_until", sa.Date(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "deputy_user_id IS NULL OR deputy_user_id <> user_id",
            name=op.f("ck_contact_card_not_self"),
        ),
        sa.ForeignKeyConstraint(
            ["deputy_user_id"],
            ["app_user.id"],
            name=op.f("fk_contact_card_deputy_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_contact_card_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_card")),
        sa.UniqueConstraint("user_id", name=op.f("uq_contact_card_user_id")),
    )
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("joined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute(
        "UPDATE series_member SET joined_at = (SELECT meeting_series.created_at "
        "FROM meeting_series WHERE meeting_series.id = series_member.series_id)"
    )
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.alter_column(
            "joined_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.drop_column("joined_at")
    op.drop_table("contact_card")
