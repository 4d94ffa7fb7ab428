"""The crawl state in one SQLite file, the single-machine default, and its run lock: an `flock` on
`<state>.lock`, which the kernel drops when the run's process dies, however it dies."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scraper.errors import WriteError
from scraper.sinks.database import sqlite_transaction
from spiders.state.base import (
    OPEN_VERDICTS,
    UNJUDGED,
    Capture,
    LockHeld,
    Pending,
    Rejudge,
    Verdict,
    holder,
    is_newer,
    now,
)

MEMORY = ":memory:"  # a state that keeps nothing: a one-off crawl

# Version 1 added `verdicts`; a state file written before it (user_version 0) gains the table when it is
# opened, and its pages have no verdict (never re-judged: what judged them is unknown).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, lastmod TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, urls TEXT NOT NULL, emitted TEXT NOT NULL,
    output TEXT, "offset" INTEGER, length INTEGER
);
CREATE TABLE IF NOT EXISTS verdicts (
    url TEXT PRIMARY KEY, verdict TEXT NOT NULL, judges TEXT NOT NULL,
    warc TEXT, "offset" INTEGER, fetched_at TEXT, digest TEXT
) WITHOUT ROWID;
PRAGMA user_version = 1;
"""
_JUDGE = """INSERT INTO verdicts (url, verdict, judges) VALUES (?, ?, ?)
ON CONFLICT (url) DO UPDATE SET verdict = excluded.verdict, judges = excluded.judges"""


_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes (extended codes keep them in the low byte)


class SQLiteState:
    """The state in one SQLite file (WAL mode: each commit is one small append, no fsync per page)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Each page crawled adds a few database pages to the WAL: checkpoint every MiB (not SQLite's
        # 4 MiB), so that the WAL stays small beside a state file of some MiB, on a disk near full too.
        self.db.execute("PRAGMA wal_autocheckpoint=256")
        self.db.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write; a full disk or an I/O error raises `WriteError` naming the file."""
        try:
            with sqlite_transaction(self.db):
                yield
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

    def _judge(self, urls: list[str], verdict: Verdict | None) -> None:
        if verdict is not None:
            self.db.execute(_JUDGE, (urls[-1], verdict.verdict, verdict.judges))

    def mark_fetched(self, urls: list[str], lastmod: str | None, verdict: Verdict | None = None) -> None:
        with self._transaction():
            self._mark(urls, lastmod)
            self._judge(urls, verdict)

    def archived(self, urls: list[str], lastmod: str | None, capture: Capture) -> None:
        with self._transaction():
            self._mark(urls, lastmod)
            self.db.execute(
                "INSERT OR REPLACE INTO verdicts VALUES (?, ?, '', ?, ?, ?, ?)",
                (urls[-1], UNJUDGED, capture.warc, capture.offset, capture.fetched_at, capture.digest),
            )

    def capture(self, url: str) -> Capture | None:
        row = self.db.execute(
            'SELECT warc, "offset", fetched_at, digest FROM verdicts WHERE url = ? AND warc IS NOT NULL',
            (url,),
        ).fetchone()
        return Capture(*row) if row else None

    def to_rejudge(self, due: Callable[[Verdict, Capture | None], bool]) -> Iterator[Rejudge]:
        rows = self.db.execute(
            'SELECT v.url, p.lastmod, v.verdict, v.judges, v.warc, v."offset", v.fetched_at, v.digest '
            "FROM verdicts v LEFT JOIN pages p ON p.url = v.url WHERE v.verdict IN (?, ?, ?) ORDER BY v.url",
            OPEN_VERDICTS,
        ).fetchall()  # all first: judging them writes to these tables
        for url, lastmod, verdict, judges, *fields in rows:
            capture = Capture(*fields) if fields[0] is not None else None
            if due(Verdict(verdict, judges), capture):
                yield Rejudge(url, lastmod, capture)

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
        verdict: Verdict | None = None,
    ) -> bool:
        with self._transaction():
            self._mark(urls, lastmod)
            self._judge(urls, verdict)
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
            urls = [(url,) for url in row[0].split("\n")] if row else []
            archived = "UPDATE verdicts SET verdict = ? WHERE url = ? AND warc IS NOT NULL"
            if not sum(self.db.execute(archived, (UNJUDGED, url)).rowcount for (url,) in urls):
                self.db.executemany("DELETE FROM pages WHERE url = ?", urls)
            self.db.execute("DELETE FROM articles WHERE key = ?", (key,))

    def close(self) -> None:
        self.db.close()


@contextmanager
def run_lock(path: str) -> Iterator[None]:
    """Hold `<path>.lock` while a run uses the state at `path`."""
    if path == MEMORY:  # nothing persists, nothing to protect
        yield
        return
    lock = Path(f"{path}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)  # the state beside it is created there too
    with open(lock, "a+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            current = file.read().strip() or "unknown holder"
            raise LockHeld(f"another crawl holds {lock} ({current})") from None
        file.truncate(0)
        file.write(holder() + "\n")
        file.flush()
        yield  # closing the file releases the lock
