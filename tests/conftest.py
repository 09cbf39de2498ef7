"""Suite-wide options: ``--update-golden`` rewrites tests/data/golden/ (review the diff)."""

from __future__ import annotations

import pytest
from backends import pg_server, pg_url, state_where  # noqa: F401 - every StateStore backend


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files from the current output, then review `git diff`",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
