"""Minutes: stored final versions (immutable) and the overleg setting "namen in verslag".

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:05:31.343382
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minutes_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("finalised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finalised_by_user_id", sa.Integer(), nullable=False),
        sa.Column(
            "finalised_by_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["finalised_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_minutes_version_finalised_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_minutes_version_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_version")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_minutes_version_meeting_id")),
    )
    with op.batch_alter_table("minutes_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_version_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "minutes_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["minutes_version.id"],
            name=op.f("fk_minutes_document_version_id_minutes_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_document")),
        sa.UniqueConstraint("version_id", name=op.f("uq_minutes_document_version_id")),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("names_in_minutes", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _make_immutable()


def downgrade() -> None:
    _drop_immutability()
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_column("names_in_minutes")

    op.drop_table("minutes_document")
    with op.batch_alter_table("minutes_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_version_meeting_id"))

    op.drop_table("minutes_version")


IMMUTABLE_TABLES = ("minutes_version", "minutes_document")


# A vastgesteld version is never changed or deleted, whatever code asks the database to.
def _make_immutable() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            """
            CREATE FUNCTION minutes_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'final minutes are immutable';
            END $$
            """
        )
    for table in IMMUTABLE_TABLES:
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION minutes_immutable()"
            )
            continue
        for operation in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation} BEFORE {operation.upper()} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'final minutes are immutable'); END"
            )


def _drop_immutability() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in IMMUTABLE_TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
            continue
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{operation}")
    if postgresql:
        op.execute("DROP FUNCTION minutes_immutable()")
