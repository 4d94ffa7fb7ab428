"""JSON Lines written with orjson: a feed exporter for `-o/-O file.jsonl`, and the crash-safe appender the
item pipeline writes `ARTICLES_FILE` with (each line recorded in the crawl state before it is written, so a
crawl killed at any instant is repaired on restart: see `recover`). A `.gz` or `.zst` file gets each line
as a member of its own, the block the state points at (`scraper.sinks.compression`).

With `ARTICLES_DB` the articles go to a database instead (`scraper.sinks.database`), in batches: the state
records each article as pending with the database's name, and the batch's commit confirms it. A killed
crawl's pending articles are confirmed if the database holds that version of them, else
forgotten and emitted again; writing one again is harmless, as the database's writes are idempotent."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from scrapy.exporters import BaseItemExporter

from scraper.errors import WriteError
from scraper.sinks.compression import NONE, compression_of
from scraper.sinks.database import DatabaseSink, is_database
from spiders.runs import written_as
from spiders.state import CrawlState, Pending

logger = logging.getLogger(__name__)


class OrjsonLinesExporter(BaseItemExporter):
    def __init__(self, file: BinaryIO, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        self.file.write(orjson.dumps(dict(self.get_serialized_fields(item))) + b"\n")


class Appender:
    """Appends whole lines to a file (or stdout for "-"), compressed as its name says. One `os.write`
    per line on an unbuffered descriptor, so a killed process leaves at most one partial line (or
    member), which `recover` removes."""

    def __init__(self, path: str) -> None:
        self.path = None if path == "-" else str(Path(path).resolve())
        self.compression = compression_of(written_as(path)) if self.path else NONE
        self.fd = (
            sys.stdout.fileno() if self.path is None else os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o666)
        )
        if self.path is not None:
            os.lseek(self.fd, 0, os.SEEK_END)

    def offset(self) -> int:
        return 0 if self.path is None else os.lseek(self.fd, 0, os.SEEK_CUR)

    def encode(self, line: bytes) -> bytes:
        """The bytes `write` should get for one line: itself, or a member holding it."""
        return self.compression.compress(line)

    def write(self, line: bytes) -> None:
        """Raises `WriteError` (disk full, ...): a partial line may be left, which `recover` cuts."""
        view = memoryview(line)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError as error:
            raise WriteError(self.path or "standard output", error.strerror or str(error)) from error

    def close(self) -> None:
        if self.path is not None:
            os.close(self.fd)


def _block_at(path: str, offset: int, length: int) -> bytes | None:
    try:
        with open(path, "rb") as file:
            file.seek(offset)
            return file.read(length)
    except OSError:  # no such file here (another worker's path), or unreadable
        return None


def _is_line_of(line: bytes | None, content_hash: str) -> bool:
    if line is None or not line.endswith(b"\n"):
        return False
    try:
        return orjson.loads(line).get("content_hash") == content_hash
    except orjson.JSONDecodeError:
        return False


def recover(state: CrawlState, *, own: bool = True, database: DatabaseSink | None = None) -> tuple[int, int]:
    """Settle the articles a killed crawl was writing: a complete line stays and is confirmed; a missing
    or partial one is cut off and its article forgotten, so this crawl fetches and emits it again. An
    article pending in `database` is confirmed if it holds it, else forgotten; one pending in another
    database is forgotten (emitted again here).

    `own=False` settles a dead worker's lines from another worker (`spiders.distributed`): the file at
    that path, if there is one here, may not be the dead worker's, so nothing is cut. A line found whole
    where it was recorded is confirmed; else the article is forgotten and emitted again by whoever
    redoes its request. Returns (confirmed, forgotten)."""
    confirmed = forgotten = 0
    for pending in list(state.pending()):
        if _made_it(pending, own, database):
            state.end_emit(pending.key)
            confirmed += 1
        else:
            state.forget(pending.key)
            forgotten += 1
    return confirmed, forgotten


def _made_it(pending: Pending, own: bool, database: DatabaseSink | None) -> bool:
    if is_database(pending.output):
        return (
            database is not None
            and database.name == pending.output
            and database.has(pending.key, pending.content_hash)
        )
    block = _block_at(pending.output, pending.offset, pending.length)
    line = None if block is None else compression_of(written_as(pending.output)).expand(block)
    if _is_line_of(line, pending.content_hash):
        return True
    if own and block is not None and os.path.getsize(pending.output) > pending.offset:
        os.truncate(pending.output, pending.offset)
    elif not own:
        logger.warning(
            "The line of %s at %s:%d was not found from here: the article is emitted again (if the "
            "dead worker's file holds that line, remove it there)",
            pending.key,
            pending.output,
            pending.offset,
        )
    return False
