"""The crawl-state interface every backend implements, and what the backends share.

Incremental crawls ask `should_fetch` before scheduling a URL and `is_new` before emitting an article.
Resume after a hard kill relies on `begin_emit`/`end_emit`: an article is recorded as *pending* with the
position its line will take in the output file before the line is written, so a restart can tell whether
the line made it (`spiders.jsonl.recover`). A run holds the state's lock while it runs (`LockError`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Pending:
    """An article whose line may or may not have reached `output` at `offset`."""

    key: str
    content_hash: str
    output: str
    offset: int
    length: int


class CrawlState(Protocol):
    def should_fetch(self, url: str, lastmod: str | None) -> bool:
        """True for a URL never fetched, or one whose `lastmod` is newer than at its last fetch."""
        ...

    def mark_fetched(self, urls: list[str], lastmod: str | None) -> None:
        """Record pages as done (articles or not), so the next crawl skips them until they change."""
        ...

    def is_new(self, key: str, content_hash: str) -> bool:
        """True if no article with this canonical key was emitted, or it was emitted with other content."""
        ...

    def begin_emit(
        self,
        key: str,
        content_hash: str,
        urls: list[str],
        lastmod: str | None,
        output: str | None,
        offset: int,
        length: int,
    ) -> bool:
        """Record the article as emitted; pending until `end_emit` when it goes to an `output` file.
        False if the same content was recorded first by another worker sharing the state: not emitted."""
        ...

    def end_emit(self, key: str) -> None: ...

    def pending(self) -> Iterator[Pending]:
        """Articles a killed crawl was writing when it died."""
        ...

    def forget(self, key: str) -> None:
        """Undo an emit whose line never reached the output, so the next crawl fetches it again."""
        ...

    def close(self) -> None: ...


class LockError(Exception):
    """The run lock could not be taken; the message says why."""


class LockHeld(LockError):
    """Another run holds the lock; the message says which."""


def holder() -> str:
    """Who holds a run lock, in the words a second run shows."""
    return f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _instant(value: str) -> datetime:
    """ISO dates and times as comparable UTC instants (a bare date is midnight UTC)."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def is_newer(lastmod: str | None, than: str | None) -> bool:
    if not lastmod or not than:
        return False
    try:
        return _instant(lastmod) > _instant(than)
    except ValueError:
        return False
