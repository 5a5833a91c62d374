"""Migrations: upgrade, downgrade, upgrade again, and the models match the schema."""

from alembic import command
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.cli import alembic_config

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
