"""A casus' persons have unique positions: encrypted fields are bound to (casus, position).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_person", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_case_person_case_id"), ["case_id", "position"]
        )


def downgrade() -> None:
    with op.batch_alter_table("case_person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_case_person_case_id"), type_="unique")
