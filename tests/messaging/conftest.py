"""Shared fixtures for the messaging tests: the exit fixtures of tests/exits."""

from tests.exits.conftest import acme_exit

__all__ = ["acme_exit"]
