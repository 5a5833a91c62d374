"""Sign-in: an account may have no password (invited, or SSO only) and may wait for admission; a
session knows its login stage, when it was last confirmed, its browser and its SSO provider.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("volledig", "tweede_factor", "inrichten")
FACTOR_KINDS = ("authenticator", "passkey")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch_op.add_column(
            sa.Column("awaiting_admission", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_agent", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column(
                "stage",
                sa.Enum(*STAGES, name="sessionstage", native_enum=False, length=40),
                nullable=False,
                server_default="volledig",
            )
        )
        batch_op.add_column(
            sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("sso_provider", sa.String(length=100), nullable=True))
        batch_op.create_check_constraint("stage", _in("stage", STAGES))
    op.create_table(
        "second_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*FACTOR_KINDS, name="factorkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("secret", sa.String(length=500), nullable=True),
        sa.Column("last_used_step", sa.Integer(), nullable=True),
        sa.Column("credential_id", sa.String(length=1400), nullable=True),
        sa.Column("public_key", sa.String(length=2000), nullable=True),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(_in("kind", FACTOR_KINDS), name=op.f("ck_second_factor_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_second_factor_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_second_factor_credential_id")),
    )
    op.create_index(op.f("ix_second_factor_user_id"), "second_factor", ["user_id"])
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_recovery_code_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_second_factor_user_id"), table_name="second_factor")
    op.drop_table("second_factor")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_session_stage"), type_="check")
        batch_op.drop_column("sso_provider")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("stage")
        batch_op.drop_column("user_agent")
    # An account without a password gets one nobody knows: it can only be reset.
    op.execute(sa.text("UPDATE app_user SET password_hash = '!' WHERE password_hash IS NULL"))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("awaiting_admission")
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
