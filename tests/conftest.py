"""Fixtures shared by the tests; helpers are in `tests/support`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres_server import PostgresServer, running_postgres
from tests.support.samples import SHARED, need_shared


@pytest.fixture
def shared() -> Path:
    return need_shared(SHARED)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (skips, or fails under CI, without the binaries)."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres(postgres_server: PostgresServer) -> str:
    """The URL of an empty database of the session's server, the test's own."""
    return postgres_server.new_database()
