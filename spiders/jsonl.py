"""JSON Lines written with orjson: a feed exporter for `-o/-O file.jsonl`, and the crash-safe appender the
item pipeline writes `ARTICLES_FILE` with (each line recorded in the crawl state before it is written, so a
crawl killed at any instant is repaired on restart: see `recover`)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from scrapy.exporters import BaseItemExporter

from scraper.errors import WriteError
from spiders.state import CrawlState

logger = logging.getLogger(__name__)


class OrjsonLinesExporter(BaseItemExporter):
    def __init__(self, file: BinaryIO, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        self.file.write(orjson.dumps(dict(self.get_serialized_fields(item))) + b"\n")


class Appender:
    """Appends whole lines to a file (or stdout for "-"). One `os.write` per line on an unbuffered
    descriptor, so a killed process leaves at most one partial line, which `recover` removes."""

    def __init__(self, path: str) -> None:
        self.path = None if path == "-" else str(Path(path).resolve())
        self.fd = (
            sys.stdout.fileno() if self.path is None else os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o666)
        )
        if self.path is not None:
            os.lseek(self.fd, 0, os.SEEK_END)

    def offset(self) -> int:
        return 0 if self.path is None else os.lseek(self.fd, 0, os.SEEK_CUR)

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


def _line_at(path: str, offset: int, length: int) -> bytes | None:
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


def recover(state: CrawlState, *, own: bool = True) -> tuple[int, int]:
    """Settle the lines a killed crawl was writing: a complete line stays and is confirmed; a missing or
    partial one is cut off and its article forgotten, so this crawl fetches and emits it again.

    `own=False` settles a dead worker's lines from another worker (`spiders.distributed`): the file at
    that path, if there is one here, may not be the dead worker's, so nothing is cut. A line found whole
    where it was recorded is confirmed; else the article is forgotten and emitted again by whoever
    redoes its request. Returns (confirmed, forgotten)."""
    confirmed = forgotten = 0
    for pending in list(state.pending()):
        line = _line_at(pending.output, pending.offset, pending.length)
        if _is_line_of(line, pending.content_hash):
            state.end_emit(pending.key)
            confirmed += 1
            continue
        if own and line is not None and os.path.getsize(pending.output) > pending.offset:
            os.truncate(pending.output, pending.offset)
        elif not own:
            logger.warning(
                "The line of %s at %s:%d was not found from here: the article is emitted again (if the "
                "dead worker's file holds that line, remove it there)",
                pending.key,
                pending.output,
                pending.offset,
            )
        state.forget(pending.key)
        forgotten += 1
    return confirmed, forgotten
