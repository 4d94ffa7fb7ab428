"""Reading what a run wrote: JSON Lines articles (plain, .gz, .zst), line counts, how often each URL was
emitted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from scraper.sinks.compression import NONE, compression_of
from spiders.runs import written_as


def parse_lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def decompressed(path: Path) -> bytes:
    """A file's data, decompressed as its name (or its run's final name) says: its whole members (not
    one being written)."""
    if not path.exists():
        return b""
    compression = compression_of(written_as(str(path)))
    if compression is NONE:
        return path.read_bytes()
    with open(path, "rb") as stream:
        return b"".join(data for _, data in compression.members(stream))


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The articles of a JSON Lines file, checking that every line is whole."""
    data = decompressed(path)
    assert not data or data.endswith(b"\n"), "partial last line"
    return parse_lines(data)


def line_count(path: Path) -> int:
    return decompressed(path).count(b"\n")


def emitted(*outputs: Path) -> Counter[str]:
    """How many times each article URL was written, over all the outputs."""
    return Counter(article["url"] for output in outputs for article in read_lines(output))
