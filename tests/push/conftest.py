"""Fixtures for the push tests; the servers and builders live in push_helpers.py."""

from push_helpers import receiver, store  # noqa: F401  (pytest fixtures)
