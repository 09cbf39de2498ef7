from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    # pytest-httpserver binds "localhost" by default; keep all traffic on 127.0.0.1
    return ("127.0.0.1", 0)
