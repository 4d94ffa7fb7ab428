"""The crawl-state interface every backend implements, and what the backends share.

Incremental crawls ask `should_fetch` before scheduling a URL and `is_new` before emitting an article.
Resume after a hard kill relies on `begin_emit`/`end_emit`: an article is recorded as *pending* with the
position its line will take in the output file before the line is written, so a restart can tell whether
the line made it (`spiders.jsonl.recover`). A run holds the state's lock while it runs (`LockError`).

No verdict lasts forever: each page fetched as an article candidate keeps its `Verdict` (article, not an
article, an article its site cleaner left to the generic one, or not judged yet) with the versions of the
cleaners that judged it, and where its response is archived (`Capture`, with `--warc`). A crawl starts by
re-judging the pages `to_rejudge` lists: those not judged yet (archived by a run that was killed or hit
its --limit first), and those judged "not an article" or left to a fallback by cleaners that have changed
since (`NewsSpider._rejudge` in `spiders.news`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
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


# Verdicts on a page.
ARTICLE, FALLBACK, NOT_ARTICLE, NOT_HTML = "article", "fallback", "not_article", "not_html"
UNJUDGED = "unjudged"  # archived, not judged yet
OPEN_VERDICTS = (UNJUDGED, FALLBACK, NOT_ARTICLE)  # judged again when due: not yet, or by older cleaners


@dataclass(frozen=True, slots=True)
class Capture:
    """Where a page's response is archived: a WARC file (its name in the crawl's WARC folder) and the
    record's offset; when it was fetched (the record's WARC-Date) and its payload digest."""

    warc: str
    offset: int
    fetched_at: str
    digest: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a page was judged, and by which cleaners (`scraper.pipeline.judges`: names and versions)."""

    verdict: str
    judges: str = ""


@dataclass(frozen=True, slots=True)
class Rejudge:
    """A page to judge again: its URL (after redirects), its lastmod, and its archived response."""

    url: str
    lastmod: str | None
    capture: Capture | None


class CrawlState(Protocol):
    def should_fetch(self, url: str, lastmod: str | None) -> bool:
        """True for a URL never fetched, or one whose `lastmod` is newer than at its last fetch."""
        ...

    def mark_fetched(self, urls: list[str], lastmod: str | None, verdict: Verdict | None = None) -> None:
        """Record pages as done (articles or not), so the next crawl skips them until they change; the
        last URL (after redirects) with its verdict, if it was judged."""
        ...

    def archived(self, urls: list[str], lastmod: str | None, capture: Capture) -> None:
        """Record a page as fetched and archived, not judged yet: recorded before its response is
        written to the archive, so a crawl killed at any point fetches it again only if the archive
        lacks it (`capture` then points past the archive's end)."""
        ...

    def capture(self, url: str) -> Capture | None:
        """Where the page's last response is archived, if it is."""
        ...

    def to_rejudge(self, due: Callable[[Verdict, Capture | None], bool]) -> Iterator[Rejudge]:
        """The pages not judged yet, judged not an article or left to a fallback, that are `due` for
        judging again. A shared state hands each page to one worker (for an hour, the time to judge
        it)."""
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
        verdict: Verdict | None = None,
    ) -> bool:
        """Record the article as emitted; pending until `end_emit` when it goes to an `output` file.
        False if the same content was recorded first by another worker sharing the state: not emitted."""
        ...

    def end_emit(self, key: str) -> None: ...

    def pending(self) -> Iterator[Pending]:
        """Articles a killed crawl was writing when it died."""
        ...

    def forget(self, key: str) -> None:
        """Undo an emit whose line never reached the output, so that it is emitted again: an archived
        page is re-judged from the archive, any other is fetched again."""
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
