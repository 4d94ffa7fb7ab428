"""Fixtures shared by the tests; helpers are in `tests/support`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.samples import SHARED, need_shared


@pytest.fixture
def shared() -> Path:
    return need_shared(SHARED)
