"""Minutes: beside each stored version, the record it was rendered from (immutable).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:31:51.877265
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "minutes_snapshot"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["minutes_version.id"],
            name=op.f("fk_minutes_snapshot_version_id_minutes_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_snapshot")),
        sa.UniqueConstraint("version_id", name=op.f("uq_minutes_snapshot_version_id")),
    )
    _make_immutable()


def downgrade() -> None:
    _drop_immutability()
    op.drop_table(TABLE)


# Like the version it belongs to, a snapshot is never changed or deleted. On PostgreSQL the
# trigger function minutes_immutable() of revision 0006 does the refusing.
def _make_immutable() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION minutes_immutable()"
        )
        return
    for operation in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{operation} BEFORE {operation.upper()} ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'final minutes are immutable'); END"
        )


def _drop_immutability() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_immutable ON {TABLE}")
        return
    for operation in ("update", "delete"):
        op.execute(f"DROP TRIGGER {TABLE}_no_{operation}")
