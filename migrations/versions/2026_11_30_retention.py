"""Bewaartermijnen: two terms per overleg, a casus' extension and tombstone, a verslag version's
tombstone, and immutability triggers that let exactly the purge remove stored bytes.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "final minutes are immutable"
# While a retention_purge row exists (only ever inside the purge's own transaction), the purge
# may delete a version's PDF and snapshot, and mark the version purged; nothing else changes.
PURGING = "EXISTS (SELECT 1 FROM retention_purge)"
ONLY_MARKED = (
    "OLD.purged_on IS NULL AND NEW.purged_on IS NOT NULL AND NEW.id = OLD.id "
    "AND NEW.meeting_id = OLD.meeting_id AND NEW.number = OLD.number "
    "AND NEW.sha256 = OLD.sha256 AND NEW.size = OLD.size "
    "AND NEW.finalised_at = OLD.finalised_at "
    "AND NEW.finalised_by_user_id = OLD.finalised_by_user_id "
    "AND NEW.finalised_by_name = OLD.finalised_by_name "
    "AND NEW.correction_reason IS NOT DISTINCT FROM OLD.correction_reason"
)
BYTES_TABLES = ("minutes_document", "minutes_snapshot")


def upgrade() -> None:
    op.create_table(
        "retention_purge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_purge")),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("case_retention_months", sa.Integer(), nullable=False, server_default="24")
        )
        batch_op.add_column(
            sa.Column("minutes_retention_months", sa.Integer(), nullable=False, server_default="60")
        )
        batch_op.create_check_constraint(
            "case_retention_months", "case_retention_months BETWEEN 6 AND 120"
        )
        batch_op.create_check_constraint(
            "minutes_retention_months", "minutes_retention_months BETWEEN 12 AND 240"
        )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_until", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("kept_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
        batch_op.add_column(sa.Column("purged_on", sa.Date(), nullable=True))
    op.add_column("minutes_version", sa.Column("purged_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_purge_path()
    else:
        _sqlite_purge_path()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_immutable_again()
    else:
        _sqlite_immutable_again()
    op.drop_column("minutes_version", "purged_on")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("purged_on")
        batch_op.drop_column("kept_reason")
        batch_op.drop_column("kept_until")
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_meeting_series_minutes_retention_months"), type_="check")
        batch_op.drop_constraint(op.f("ck_meeting_series_case_retention_months"), type_="check")
        batch_op.drop_column("minutes_retention_months")
        batch_op.drop_column("case_retention_months")
    op.drop_table("retention_purge")


def _sqlite_purge_path() -> None:
    op.execute("DROP TRIGGER minutes_version_no_update")
    op.execute(
        "CREATE TRIGGER minutes_version_no_update BEFORE UPDATE ON minutes_version "
        f"WHEN NOT ({PURGING} AND {ONLY_MARKED.replace('IS NOT DISTINCT FROM', 'IS')}) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    )
    for table in BYTES_TABLES:
        op.execute(f"DROP TRIGGER {table}_no_delete")
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {PURGING} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def _sqlite_immutable_again() -> None:
    for table in ("minutes_version", *BYTES_TABLES):
        operation = "update" if table == "minutes_version" else "delete"
        op.execute(f"DROP TRIGGER {table}_no_{operation}")
        op.execute(
            f"CREATE TRIGGER {table}_no_{operation} BEFORE {operation.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def _postgresql_purge_path() -> None:
    op.execute(
        f"""
        CREATE FUNCTION minutes_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {PURGING} THEN
                IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('minutes_document', 'minutes_snapshot')
                THEN
                    RETURN OLD;
                END IF;
                IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'minutes_version' AND {ONLY_MARKED}
                THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{REFUSAL}';
        END $$
        """
    )
    for table in ("minutes_version", *BYTES_TABLES):
        op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION minutes_purge_only()"
        )


def _postgresql_immutable_again() -> None:
    for table in ("minutes_version", *BYTES_TABLES):
        op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION minutes_immutable()"
        )
    op.execute("DROP FUNCTION minutes_purge_only()")
