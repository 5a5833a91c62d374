"""A casus can be withdrawn ('ingetrokken') by the organisation that brought it: the status is
allowed by the CHECK constraint on case_file.status.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("aangemeld", "in behandeling", "opgeschaald", "afgesloten")
AFTER = (*BEFORE, "ingetrokken")


def _allow(statuses: tuple[str, ...]) -> None:
    quoted = ", ".join(f"'{status}'" for status in statuses)
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_case_file_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({quoted})")


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    # The older schema knows no withdrawal; a withdrawn casus is over, as a closed one is.
    op.execute(sa.text("UPDATE case_file SET status = 'afgesloten' WHERE status = 'ingetrokken'"))
    _allow(BEFORE)
