"""A guest's geheimhoudingsverklaring belongs to that guest's attendance row, not to a typed name.

Existing paper declarations are linked to the guest of the same meeting whose name matches
exactly; any that match none stay as unlinked paper records (listed for the chair).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _link_by_exact_name() -> None:
    """Each paper declaration to the first not yet linked guest of its meeting with that name."""
    connection = op.get_bind()
    declarations = connection.execute(
        sa.text(
            "SELECT id, meeting_id, guest_name FROM confidentiality_declaration "
            "WHERE user_id IS NULL ORDER BY id"
        )
    ).all()
    guests = connection.execute(
        sa.text(
            "SELECT id, meeting_id, guest_name FROM meeting_attendance "
            "WHERE user_id IS NULL ORDER BY id"
        )
    ).all()
    taken: set[int] = set()
    for declaration_id, meeting_id, name in declarations:
        match = next(
            (g for g in guests if g[1] == meeting_id and g[2] == name and g[0] not in taken), None
        )
        if match is None:
            continue
        taken.add(match[0])
        connection.execute(
            sa.text("UPDATE confidentiality_declaration SET attendance_id = :a WHERE id = :d"),
            {"a": match[0], "d": declaration_id},
        )


def upgrade() -> None:
    with op.batch_alter_table("confidentiality_declaration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendance_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_confidentiality_declaration_attendance_id_meeting_attendance"),
            "meeting_attendance",
            ["attendance_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_confidentiality_declaration_attendance_id"),
            ["attendance_id"],
            unique=True,
        )
    _link_by_exact_name()


def downgrade() -> None:
    with op.batch_alter_table("confidentiality_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_confidentiality_declaration_attendance_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_confidentiality_declaration_attendance_id_meeting_attendance"),
            type_="foreignkey",
        )
        batch_op.drop_column("attendance_id")
