"""Reading what a run wrote: JSON Lines articles, line counts, how often each URL was emitted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any


def parse_lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The articles of a JSON Lines file, checking that every line is whole."""
    data = path.read_bytes() if path.exists() else b""
    assert not data or data.endswith(b"\n"), "partial last line"
    return parse_lines(data)


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def emitted(*outputs: Path) -> Counter[str]:
    """How many times each article URL was written, over all the outputs."""
    return Counter(article["url"] for output in outputs for article in read_lines(output))
