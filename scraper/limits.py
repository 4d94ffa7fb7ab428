"""A time limit on one page's extraction. Some page shapes make an extractor take minutes; such a page
must fail alone, with an error naming it, instead of holding a worker while the batch or crawl waits."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from scraper.errors import ExtractError

PAGE_TIMEOUT = 60.0  # seconds; a page takes ~25 ms, a 20 MB one a few seconds
_REPEAT = 0.5  # seconds: the alarm fires again while a library's broad `except` swallows it


class PageTimeout(ExtractError):
    """The page took longer than the time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `PageTimeout` in the block once it has run `seconds` (none: no limit). Uses SIGALRM, so
    only in a process's main thread: Python code is interrupted at once, a long C call when it returns."""
    if not seconds:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise PageTimeout(f"took longer than {seconds:g} s (the page time limit)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
