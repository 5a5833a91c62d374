"""Planning fixtures for these tests (the overleg whose members step-up guards)."""

from tests.planning import series, table

__all__ = ["series", "table"]
