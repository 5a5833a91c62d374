"""A CHECK constraint on every enum column: an unknown value can never be stored, whatever the
code does. A nullable column holding an unknown value (a meeting broken by a posted value the code
did not check) is reset to empty first, so the chair can choose again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column): the values allowed, as stored (the Dutch values of the enums in app/).
ENUM_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("organisation", "kind"): (
        "gemeente",
        "politie",
        "sociaal_team",
        "woningcorporatie",
        "leerplicht",
        "bemoeizorg_ggz",
        "maatschappelijk_werk",
        "werk_en_inkomen",
        "jongerenwerk",
        "oov",
        "burgemeester",
        "ggd",
        "veilig_thuis",
        "zorg_en_veiligheidshuis",
        "anders",
    ),
    ("outbox_message", "status"): ("wachtend", "verzonden", "mislukt"),
    ("meeting_series", "kind"): ("integraal overleg", "multidisciplinair overleg", "casusoverleg"),
    ("meeting", "status"): (
        "gepland",
        "agenda vastgesteld",
        "bezig",
        "afgerond",
        "verslag vastgesteld",
        "geannuleerd",
    ),
    ("series_member", "role"): ("voorzitter", "secretaris", "lid"),
    ("attendance_intention", "answer"): ("ja", "nee"),
    ("case_file", "urgency"): ("regulier", "urgent", "spoed"),
    ("case_file", "age_band"): (
        "0-11 jaar",
        "12-17 jaar",
        "18-26 jaar",
        "27-45 jaar",
        "46-66 jaar",
        "67 jaar en ouder",
    ),
    ("case_file", "consent"): ("verkregen", "niet gevraagd", "geweigerd"),
    ("case_file", "legal_basis"): ("toestemming", "wettelijke taak", "vitaal belang", "convenant"),
    ("case_file", "status"): ("aangemeld", "in behandeling", "opgeschaald", "afgesloten"),
    ("case_file", "escalated_to"): ("Zorg- en Veiligheidshuis", "Veilig Thuis", "andere instantie"),
    ("meeting_attendance", "presence"): ("aanwezig", "afwezig met bericht", "afwezig"),
    ("agenda_item", "kind"): ("nieuwe casus", "vervolg", "terugkoppeling", "algemeen"),
    ("item_contribution", "legal_basis"): (
        "toestemming",
        "wettelijke taak",
        "vitaal belang",
        "convenant",
    ),
    ("item_record", "next_step"): (
        "terug op de volgende bijeenkomst",
        "terug op een datum",
        "opschalen",
        "afsluiten",
    ),
    ("item_record", "escalation_body"): (
        "Zorg- en Veiligheidshuis",
        "Veilig Thuis",
        "andere instantie",
    ),
    ("item_record", "informing"): ("geïnformeerd", "wordt geïnformeerd", "niet geïnformeerd"),
    ("task", "status"): ("open", "gereed", "vervallen"),
    ("task", "not_done_reason"): ("omstandigheden gewijzigd", "niet gedaan"),
}
NULLABLE = [
    ("case_file", "age_band"),
    ("case_file", "consent"),
    ("case_file", "escalated_to"),
    ("case_file", "legal_basis"),
    ("item_contribution", "legal_basis"),
    ("item_record", "escalation_body"),
    ("item_record", "informing"),
    ("item_record", "next_step"),
    ("task", "not_done_reason"),
]


def _allowed(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


def upgrade() -> None:
    connection = op.get_bind()
    for (table, column), values in ENUM_COLUMNS.items():
        if (table, column) in NULLABLE:
            connection.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = NULL WHERE NOT ({_allowed(column, values)})"
                )
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(column, _allowed(column, values))


def downgrade() -> None:
    for table, column in reversed(list(ENUM_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
