"""How an article is written as a record of a file: a JSON line, or a CSV row (one an article, for
spreadsheets: RFC 4180, UTF-8, a header row; lists joined with "; ", an object's fields in columns of
their own, `image_url`, `cleaner_name`, ...).

`sizes` finds the complete records at the start of a file, given as lines (split after each "\\n"), for
a resume: a JSON record ends at its newline; a CSV row ends at a CRLF outside quotes (an even number of
`"` since its start, as a quoted field doubles its own quotes), since the body's paragraphs are line
breaks inside a quoted cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import orjson

from scraper.sinks.columns import LIST_SEPARATOR, Column, article_columns


class Records(Protocol):
    name: str
    header: bytes  # written once at the start of a file (b"" for none)

    def encode(self, article: bytes) -> bytes:
        """The record of an article given as its JSON (`Article.to_json()`)."""
        ...

    def sizes(self, lines: Iterable[bytes]) -> Iterator[int]:
        """The size of each complete record, in order, up to the first incomplete one."""
        ...


class JsonLines:
    name = "jsonl"
    header = b""

    def encode(self, article: bytes) -> bytes:
        return article + b"\n"

    def sizes(self, lines: Iterable[bytes]) -> Iterator[int]:
        for line in lines:
            if not line.endswith(b"\n"):
                return
            yield len(line)


def _cells(columns: tuple[Column, ...], record: dict[str, Any]) -> Iterator[str]:
    for column in columns:
        value = record.get(column.name)
        if column.kind == "object":
            yield from _cells(column.fields, value or {})
        elif value is None:
            yield ""
        elif column.kind == "list":
            yield LIST_SEPARATOR.join(value)
        elif column.kind == "boolean":
            yield "true" if value else "false"
        elif column.kind == "json":
            yield orjson.dumps(value).decode()
        else:
            yield str(value)


def _names(columns: tuple[Column, ...], prefix: str = "") -> Iterator[str]:
    for column in columns:
        if column.kind == "object":
            yield from _names(column.fields, f"{prefix}{column.name}_")
        else:
            yield prefix + column.name


class CsvRows:
    name = "csv"

    def __init__(self) -> None:
        self.columns = article_columns()
        self._text = io.StringIO()
        self._writer = csv.writer(self._text, lineterminator="\r\n")
        self.header = self._row(list(_names(self.columns)))

    def _row(self, cells: list[str]) -> bytes:
        self._text.seek(0)
        self._text.truncate()
        self._writer.writerow(cells)
        return self._text.getvalue().encode()

    def encode(self, article: bytes) -> bytes:
        return self._row(list(_cells(self.columns, orjson.loads(article))))

    def sizes(self, lines: Iterable[bytes]) -> Iterator[int]:
        size = quotes = 0
        for line in lines:
            size += len(line)
            quotes += line.count(b'"')
            if line.endswith(b"\r\n") and quotes % 2 == 0:
                yield size
                size = quotes = 0
            elif not line.endswith(b"\n"):
                return


def records_for(format: str) -> Records:
    return CsvRows() if format == "csv" else JsonLines()
