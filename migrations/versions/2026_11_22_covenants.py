"""Covenants: versions with their signed PDF, signatures, and the declaration text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:05:14.500274
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "covenant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant")),
        sa.UniqueConstraint("title", name=op.f("uq_covenant_title")),
    )
    op.create_table(
        "covenant_version",
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("in_force_from", sa.Date(), nullable=False),
        sa.Column("in_force_until", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["covenant_id"], ["covenant.id"], name=op.f("fk_covenant_version_covenant_id_covenant")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_covenant_version_created_by_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_version")),
    )
    with op.batch_alter_table("covenant_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_covenant_version_covenant_id"), ["covenant_id"], unique=False
        )

    op.create_table(
        "declaration_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_declaration_text_created_by_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_text")),
        sa.UniqueConstraint("version", name=op.f("uq_declaration_text_version")),
    )
    op.create_table(
        "covenant_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["covenant_version.id"],
            name=op.f("fk_covenant_document_version_id_covenant_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_document")),
        sa.UniqueConstraint("version_id", name=op.f("uq_covenant_document_version_id")),
    )
    op.create_table(
        "covenant_signature",
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signatory_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "signatory_function", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column(
            "withdrawal_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True
        ),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_covenant_signature_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_covenant_signature_recorded_by_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["covenant_version.id"],
            name=op.f("fk_covenant_signature_version_id_covenant_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_signature")),
    )
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_covenant_signature_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_covenant_signature_version_id"), ["version_id"], unique=False
        )
        batch_op.create_index(
            "uq_covenant_signature_active",
            ["version_id", "organisation_id"],
            unique=True,
            sqlite_where=sa.text("withdrawn_on IS NULL"),
            postgresql_where=sa.text("withdrawn_on IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_covenant_signature_active",
            sqlite_where=sa.text("withdrawn_on IS NULL"),
            postgresql_where=sa.text("withdrawn_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_covenant_signature_version_id"))
        batch_op.drop_index(batch_op.f("ix_covenant_signature_organisation_id"))

    op.drop_table("covenant_signature")
    op.drop_table("covenant_document")
    op.drop_table("declaration_text")
    with op.batch_alter_table("covenant_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_covenant_version_covenant_id"))

    op.drop_table("covenant_version")
    op.drop_table("covenant")
