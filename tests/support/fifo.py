"""A named pipe as an input whose end the test decides: a run reading it cannot finish before the test
closes it, so a kill always lands mid-run, whatever the machine's speed."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.waiting import wait_for


class Fifo:
    """`Fifo(path)` makes the pipe; `open()` waits for the run under test to open it for reading."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self._fd: int | None = None

    def open(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self._fd is None:
            try:  # without a reader, a non-blocking open fails with ENXIO instead of waiting for ever
                self._fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        os.set_blocking(self._fd, True)

    def write(self, data: bytes) -> None:
        assert self._fd is not None, "open() first"
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def feed_until(self, records: list[bytes], condition: Callable[[], bool]) -> None:
        """Write the records one at a time, all but the last, until `condition` holds (the run under test
        has got far enough), then wait for it: the run is mid-run for certain, short of its last record.
        The pipe holds only a few dozen records, so the condition is met long before the last."""
        for record in records[:-1]:
            if condition():
                break
            self.write(record)
        wait_for(condition)

    def close(self) -> None:
        """The end of the input."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
