"""Tasks: the assignee reports "niet gelukt" or "meer tijd nodig" (with a proposed date) before
the meeting; the chair takes it up at the review.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETBACKS = ("niet gelukt", "meer tijd nodig")


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "setback",
                sa.Enum(*SETBACKS, name="setback", native_enum=False, length=40),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("proposed_due_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            "setback", "setback IN (" + ", ".join(f"'{value}'" for value in SETBACKS) + ")"
        )
        batch_op.create_check_constraint(
            "proposal_with_more_time",
            "proposed_due_on IS NULL OR setback = 'meer tijd nodig'",
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_proposal_with_more_time"), type_="check")
        batch_op.drop_constraint(op.f("ck_task_setback"), type_="check")
        batch_op.drop_column("proposed_due_on")
        batch_op.drop_column("setback")
