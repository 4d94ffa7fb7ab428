"""Articles into a database: SQLite (`sqlite:///articles.db`, the standard library's) or PostgreSQL
(`postgresql://user@host/db`, psycopg 3).

Two tables. `articles` holds one row per article, upserted by its key (the canonical URL, else the URL),
with its main fields, the `content_hash` of its current version, when it was first written
(`first_seen`) and when its current version was (`changed`). `article_versions` holds each version once,
keyed by (key, content_hash), with the whole record as JSON (JSONB in PostgreSQL), its `source` (the
page's path or URL) and when it was first written. An article written again unchanged writes nothing;
one that changed gets a version row and its `articles` row updated, so its history stays. Times are UTC
(SQLite: text as its `strftime('%Y-%m-%d %H:%M:%f')` writes it, to the millisecond).

Writes are buffered and committed in batches (`BATCH_ROWS` articles, or what waited `BATCH_SECONDS`;
both can be changed), one transaction each: a killed run loses at most the uncommitted batch, and both
statements are idempotent, so writing an article again (a resume) duplicates nothing. `on_commit` hears
the keys of each committed batch (the crawl confirms them in its state). The schema is created, or
migrated from an older version of this module, on first use (`newsclean_schema` holds its version)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson

from scraper.errors import UsageError, WriteError

BATCH_ROWS = 500
BATCH_SECONDS = 1.0
SCHEMES = ("sqlite", "postgresql", "postgres")
SQLITE_PREFIX = "sqlite:///"

# Schema versions, oldest first: creating the schema is migrating from version 0. `{time}` and `{json}`
# are the dialect's types for a UTC instant and a JSON document.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE articles (
            key TEXT PRIMARY KEY,
            url TEXT, canonical_url TEXT, site TEXT, title TEXT, published TEXT, language TEXT,
            word_count INTEGER,
            content_hash TEXT NOT NULL,
            first_seen {time} NOT NULL,
            changed {time} NOT NULL
        )""",
        "CREATE INDEX articles_changed ON articles (changed)",
        """CREATE TABLE article_versions (
            key TEXT NOT NULL REFERENCES articles (key),
            content_hash TEXT NOT NULL,
            first_seen {time} NOT NULL,
            source TEXT NOT NULL,
            article {json} NOT NULL,
            PRIMARY KEY (key, content_hash)
        )""",
        "CREATE INDEX article_versions_source ON article_versions (source)",
    ),
)
COLUMNS = ("url", "canonical_url", "site", "title", "published", "language", "word_count")

_UPSERT_ARTICLE = f"""
INSERT INTO articles (key, {", ".join(COLUMNS)}, content_hash, first_seen, changed)
VALUES (%s, {", ".join("%s" for _ in COLUMNS)}, %s, %s, %s)
ON CONFLICT (key) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in COLUMNS)},
    content_hash = excluded.content_hash, changed = excluded.changed
WHERE articles.content_hash <> excluded.content_hash
"""
_INSERT_VERSION = """
INSERT INTO article_versions (key, content_hash, first_seen, source, article)
VALUES (%s, %s, %s, %s, {json_value})
ON CONFLICT (key, content_hash) DO NOTHING
"""


def is_database(target: str) -> bool:
    return urlsplit(target).scheme in SCHEMES and "://" in target


def redacted(url: str) -> str:
    """The URL without its password (for messages and the crawl state)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))


@contextmanager
def sqlite_transaction(db: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[None]:
    """One transaction on a connection in autocommit mode (`isolation_level=None`): committed when the
    block ends, rolled back when it raises. (The crawl state's SQLite file uses it too.)"""
    db.execute(begin)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class SQLite:
    json_type, time_type, json_value = "TEXT", "TEXT", "%s"
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, url: str) -> None:
        path = url.removeprefix(SQLITE_PREFIX)
        if not path or not Path(path).parent.is_dir():
            raise UsageError(f"{url}: no folder for the database file (sqlite:///PATH, sqlite:////ABSOLUTE)")
        try:
            # One thread at a time (the sink's lock), but not always the same: see `commit_on_a_timer`.
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            self.db.execute("PRAGMA synchronous=NORMAL")  # each commit survives a killed process
            self.db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as error:
            raise WriteError(path, str(error)) from error

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql.replace("%s", "?"), args).fetchall()

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.db.executemany(sql.replace("%s", "?"), rows)

    def transaction(self, *, lock: bool = False) -> AbstractContextManager[None]:
        return sqlite_transaction(self.db, "BEGIN IMMEDIATE")  # the write lock now: a migration runs once

    @staticmethod
    def now() -> str:
        """As SQLite's `strftime('%Y-%m-%d %H:%M:%f')`: compares with its `datetime('now', '-1 day')`."""
        now = datetime.now(UTC)
        return f"{now:%Y-%m-%d %H:%M:%S}.{now.microsecond // 1000:03}"

    def close(self) -> None:
        self.db.close()


class PostgreSQL:
    json_type, time_type, json_value = "JSONB", "TIMESTAMPTZ", "%s::jsonb"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise UsageError("PostgreSQL needs psycopg: pip install 'newsclean[postgresql]'") from None
        self.errors = (psycopg.Error,)
        try:
            # Autocommit: a lone query (a resume's) opens no transaction that `transaction()` would
            # only nest in (its commits then savepoints, lost at the close).
            self.db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:  # refused, no such database, authentication, ...
            raise WriteError(redacted(url), _first_line(error)) from error

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.db.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall() if cursor.description else []

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany(sql, rows)  # pipelined: one round trip a batch

    @contextmanager
    def transaction(self, *, lock: bool = False) -> Iterator[None]:
        with self.db.transaction():
            if lock:  # one migration at a time, whatever the number of workers starting together
                self.execute("SELECT pg_advisory_xact_lock(hashtext('newsclean_schema'))")
            yield

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def close(self) -> None:
        self.db.close()


class DatabaseSink:
    """Articles into the database at `url`; see the module docstring. Call `finish()` when the run is
    complete (it commits the last batch); `close()` stops without committing it."""

    def __init__(
        self,
        url: str,
        *,
        resume: bool = False,
        on_commit: Callable[[list[str]], None] | None = None,
        batch_rows: int = BATCH_ROWS,
        batch_seconds: float = BATCH_SECONDS,
    ) -> None:
        self.name = redacted(url)
        self._on_commit = on_commit
        self.batch_rows, self.batch_seconds = batch_rows, batch_seconds
        self._batch: list[tuple[str, str, dict[str, Any], bytes]] = []  # key, source, record, its JSON
        self._since = 0.0
        self._lock = threading.Lock()  # the batch and the connection: the timer's thread shares them
        self._stopped = threading.Event()
        self._timer_error: WriteError | None = None
        self._db: SQLite | PostgreSQL = (SQLite if url.startswith("sqlite:") else PostgreSQL)(url)
        with self._writing():
            self._migrate()
            self.done: set[str] = (
                {row[0] for row in self._db.execute("SELECT DISTINCT source FROM article_versions")}
                if resume
                else set()
            )

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Database errors as `WriteError`, which stops a run (a full disk, a lost server)."""
        try:
            yield
        except self._db.errors as error:
            raise WriteError(self.name, _first_line(error)) from error

    def _migrate(self) -> None:
        db = self._db
        with db.transaction(lock=True):
            db.execute("CREATE TABLE IF NOT EXISTS newsclean_schema (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM newsclean_schema")
            version = row[0][0] if row else 0
            if version > len(MIGRATIONS):
                raise UsageError(
                    f"{self.name} has schema version {version}, newer than this newsclean's "
                    f"({len(MIGRATIONS)}): upgrade newsclean"
                )
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement.format(time=db.time_type, json=db.json_type))
            if not row:
                db.execute("INSERT INTO newsclean_schema VALUES (%s)", (len(MIGRATIONS),))
            elif version < len(MIGRATIONS):
                db.execute("UPDATE newsclean_schema SET version = %s", (len(MIGRATIONS),))

    def commit_on_a_timer(self) -> None:
        """Also commit a batch that waited `batch_seconds` from a thread of its own: a run whose input
        stalls (a pipe, a slow download) blocks before its next `write`, and its articles must not wait
        for it. (A crawl calls `commit_if_due` on its reactor's timer instead: its `on_commit` touches the
        crawl state, which belongs to the reactor's thread.) A failure there stops the next `write` or
        `finish`."""

        def tick() -> None:
            while not self._stopped.wait(self.batch_seconds):
                try:
                    self.commit_if_due()
                except WriteError as error:
                    self._timer_error = error
                    return

        threading.Thread(target=tick, name="database-commits", daemon=True).start()

    def write(self, source: str, article: bytes) -> None:
        """`article` is the record's JSON (`Article.to_json()`)."""
        self._raise_timer_error()
        record = orjson.loads(article)
        with self._lock:
            if not self._batch:
                self._since = time.monotonic()
            self._batch.append((record["canonical_url"] or record["url"], source, record, article))
        if len(self._batch) >= self.batch_rows:
            self.commit()
        else:
            self.commit_if_due()

    def commit_if_due(self) -> None:
        """Commit a batch that waited `batch_seconds`."""
        if self._batch and time.monotonic() - self._since >= self.batch_seconds:
            self.commit()

    def commit(self) -> None:
        """Write the batch in one transaction."""
        with self._lock:
            self._commit()

    def _raise_timer_error(self) -> None:
        if self._timer_error:
            raise self._timer_error

    def _commit(self) -> None:
        if not self._batch:
            return
        db, now = self._db, self._db.now()
        articles, versions = [], []
        for key, source, record, line in self._batch:
            if isinstance(db, PostgreSQL) and b"\\u0000" in line:  # a few real pages hold NULs
                record = _without_nul(record)
                line = orjson.dumps(record)
            fields = tuple(record.get(column) for column in COLUMNS)
            articles.append((key, *fields, record["content_hash"], now, now))
            versions.append((key, record["content_hash"], now, source, line.decode()))
        with self._writing(), db.transaction():
            db.executemany(_UPSERT_ARTICLE, articles)
            db.executemany(_INSERT_VERSION.format(json_value=db.json_value), versions)
        keys = [key for key, *_ in self._batch]
        self._batch.clear()
        if self._on_commit:
            self._on_commit(keys)

    def has(self, key: str, content_hash: str) -> bool:
        """Whether this version of the article was written (a crawl's recovery asks; a later version,
        written by another worker since, does not make it lost)."""
        with self._writing():
            sql = "SELECT 1 FROM article_versions WHERE key = %s AND content_hash = %s"
            return bool(self._db.execute(sql, (key, content_hash)))

    def finish(self) -> None:
        self._raise_timer_error()
        self.commit()

    def close(self) -> None:
        """Stop: an uncommitted batch is dropped (a resume does it again)."""
        self._stopped.set()
        with self._lock:
            self._batch.clear()
            self._db.close()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _without_nul(value: Any) -> Any:
    """The record without NUL characters (PostgreSQL's text and JSONB refuse them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value
