"""The demo's vastgestelde meeting for these tests."""

from tests.minutes.demo import minutes

__all__ = ["minutes"]
