"""Waiting for a condition that a process under test makes true."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> None:
    """Poll `condition` until it holds. The timeout only keeps a broken run from hanging the suite: the
    tests wait for states that a held run reaches for certain, never for a run to be slow enough."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
