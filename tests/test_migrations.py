"""Migrations: upgrade, downgrade, upgrade again, and the models match the schema."""

import pytest
from alembic import command
from sqlalchemy import Enum, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (registers every table)
from app.cli import alembic_config
from tests.factories import make_organisation

# Every table the models declare, and nothing else.
EXPECTED_TABLES = set(SQLModel.metadata.tables) | {"alembic_version"}


def tables(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_no_pending_changes(database_url: str) -> None:
    config = alembic_config(database_url)
    assert tables(database_url) == EXPECTED_TABLES

    command.downgrade(config, "base")
    assert tables(database_url) == {"alembic_version"}

    command.upgrade(config, "head")
    assert tables(database_url) == EXPECTED_TABLES
    command.check(config)  # raises when the models and the migrations differ


def enum_columns() -> list[tuple[str, str]]:
    return [
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Enum)
    ]


def test_every_enum_column_has_a_check_constraint(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        inspector = inspect(engine)
        missing = [
            f"{table}.{column}"
            for table, column in enum_columns()
            if f"ck_{table}_{column}"
            not in {c["name"] for c in inspector.get_check_constraints(table)}
        ]
    finally:
        engine.dispose()

    assert enum_columns() and missing == []


def test_the_database_refuses_an_unknown_enum_value(session: Session) -> None:
    organisation = make_organisation(session)
    with pytest.raises(IntegrityError):
        session.execute(
            text("UPDATE organisation SET kind = 'onbekende soort' WHERE id = :id"),
            {"id": organisation.id},
        )
