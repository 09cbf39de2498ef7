"""Fixtures for the Output tests; the servers live in s3_helpers.py."""

from s3_helpers import moto_process, proxy, s3_env, s3_server  # noqa: F401  (pytest fixtures)
