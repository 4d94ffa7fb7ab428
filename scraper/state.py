"""Crawl state: which pages were fetched (and at which `lastmod`) and which articles were emitted.

Incremental crawls ask `should_fetch` before scheduling a URL and `is_new` before emitting an article.
Resume after a hard kill relies on `begin_emit`/`end_emit`: an article is recorded as *pending* with the
position its line will take in the output file before the line is written, so a restart can tell whether
the line made it (`recover`). `CrawlState` is the interface; `SQLiteState` is the default backend, and
`open_state` picks a backend by URI scheme (a Redis backend registers itself in `BACKENDS`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from scraper.errors import WriteError


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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, lastmod TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, urls TEXT NOT NULL, emitted TEXT NOT NULL,
    output TEXT, "offset" INTEGER, length INTEGER
);
"""


_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes (extended codes keep them in the low byte)


class SQLiteState:
    """The state in one SQLite file (WAL mode: each commit is one small append, no fsync per page)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write; a full disk or an I/O error raises `WriteError` naming the file."""
        try:
            self.db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (_SQLITE_IOERR, _SQLITE_FULL):
                raise
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise WriteError(self.path, str(error)) from error

    def should_fetch(self, url: str, lastmod: str | None) -> bool:
        row = self.db.execute("SELECT lastmod FROM pages WHERE url = ?", (url,)).fetchone()
        return row is None or is_newer(lastmod, row[0])

    def _mark(self, urls: list[str], lastmod: str | None) -> None:
        # Without a lastmod from the sitemap or feed, the fetch time stands in for it.
        stamp = lastmod or now()
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", [(u, stamp) for u in urls])

    def mark_fetched(self, urls: list[str], lastmod: str | None) -> None:
        with self._transaction():
            self._mark(urls, lastmod)

    def is_new(self, key: str, content_hash: str) -> bool:
        row = self.db.execute("SELECT content_hash FROM articles WHERE key = ?", (key,)).fetchone()
        return row is None or row[0] != content_hash

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
        with self._transaction():
            self._mark(urls, lastmod)
            self.db.execute(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, content_hash, "\n".join(urls), now(), output, offset if output else None, length),
            )
        return True  # one process writes this state (the run lock sees to it)

    def end_emit(self, key: str) -> None:
        with self._transaction():
            self.db.execute('UPDATE articles SET output = NULL, "offset" = NULL WHERE key = ?', (key,))

    def pending(self) -> Iterator[Pending]:
        rows = self.db.execute(
            'SELECT key, content_hash, output, "offset", length FROM articles WHERE output IS NOT NULL'
        ).fetchall()
        return (Pending(*row) for row in rows)

    def forget(self, key: str) -> None:
        with self._transaction():
            row = self.db.execute("SELECT urls FROM articles WHERE key = ?", (key,)).fetchone()
            if row:
                self.db.executemany("DELETE FROM pages WHERE url = ?", [(u,) for u in row[0].split("\n")])
            self.db.execute("DELETE FROM articles WHERE key = ?", (key,))

    def close(self) -> None:
        self.db.close()


# URI scheme -> backend factory; a plain path (no scheme) is an SQLite file.
BACKENDS: dict[str, Callable[[str], CrawlState]] = {"": SQLiteState}


def open_state(uri: str) -> CrawlState:
    """A path to an SQLite file (`:memory:` for none), or a URI whose scheme is registered in `BACKENDS`."""
    scheme = urlsplit(uri).scheme if "://" in uri else ""
    if scheme not in BACKENDS:
        raise ValueError(
            f"no crawl-state backend for {scheme!r} (known: {', '.join(filter(None, BACKENDS))})"
        )
    return BACKENDS[scheme](uri)
