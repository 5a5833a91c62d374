"""Planning fixtures for these tests."""

from tests.planning import series, table

__all__ = ["series", "table"]
