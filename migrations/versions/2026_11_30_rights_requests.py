"""Rights requests (AVG art. 15-21): the FG's register, with the person as blind indexes only,
the parts left out of an inzage-overzicht, and the final overzicht kept as bytes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("inzage", "rectificatie", "wissing", "beperking", "bezwaar")
STATUSES = ("in behandeling", "toegewezen", "deels toegewezen", "afgewezen")


def _string_enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=40)


def _check(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=op.f(f"ck_rights_request_{column}"))


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "rights_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", text(length=20), nullable=False),
        sa.Column("kind", _string_enum(KINDS, "requestkind"), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("extension_reason", text(length=1000), nullable=True),
        sa.Column("identity_verification", text(length=500), nullable=False),
        sa.Column("status", _string_enum(STATUSES, "requeststatus"), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("handled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("handled_on", sa.Date(), nullable=True),
        sa.Column("registered_by_user_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("subject_bsn_index", text(length=64), nullable=True),
        sa.Column("subject_name_birth_index", text(length=64), nullable=True),
        sa.Column("overview_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("overview_final_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        _check("kind", KINDS),
        _check("status", STATUSES),
        sa.ForeignKeyConstraint(
            ["handled_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_rights_request_handled_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_rights_request_registered_by_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_request")),
        sa.UniqueConstraint("reference", name=op.f("uq_rights_request_reference")),
    )
    op.create_table(
        "rights_redaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("part", text(length=40), nullable=False),
        sa.Column("reason", text(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_request.id"],
            name=op.f("fk_rights_redaction_request_id_rights_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_redaction")),
        sa.UniqueConstraint("request_id", "part", name=op.f("uq_rights_redaction_request_id")),
    )
    op.create_index(op.f("ix_rights_redaction_request_id"), "rights_redaction", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rights_redaction_request_id"), table_name="rights_redaction")
    op.drop_table("rights_redaction")
    op.drop_table("rights_request")
