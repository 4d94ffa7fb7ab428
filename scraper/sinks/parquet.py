"""Parquet files of articles, for analytics (pyarrow, DuckDB, pandas, Spark): one row an article, the
columns typed from the article's schema (lists as lists, `image` and `cleaner` as structs), one row
group per `ROWS_PER_GROUP` articles.

A Parquet file is readable only once its footer is written, so a run stages its articles as JSON Lines
in `FILE.part` (with `FILE.sources.part`, resumable as any `RecordFile`) and converts them at the end,
`ROWS_PER_GROUP` at a time (memory stays flat), into `FILE.part.tmp`, renamed to `FILE` once synced.
A killed run, even during the conversion, resumes from the `.part` files; `--resume` on a finished
`FILE` reads its rows back into them first."""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from scraper.errors import UsageError, WriteError
from scraper.sinks.columns import Column, article_columns
from scraper.sinks.files import RecordFile, with_suffix
from scraper.sinks.records import JsonLines

ROWS_PER_GROUP = 5000  # about 25 MB of articles


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UsageError("Parquet outputs need pyarrow: pip install 'newsclean[parquet]'") from None
    return pyarrow, pyarrow.parquet


def _type(column: Column):
    pa, _ = _pyarrow()
    if column.kind == "object":
        return pa.struct([pa.field(field.name, _type(field)) for field in column.fields])
    kinds = {"integer": pa.int64(), "boolean": pa.bool_(), "list": pa.list_(pa.string())}
    return kinds.get(column.kind, pa.string())  # text, and json as its JSON text


def schema():
    pa, _ = _pyarrow()
    return pa.schema([pa.field(column.name, _type(column)) for column in article_columns()])


_JSON = [column.name for column in article_columns() if column.kind == "json"]


def _row(line: bytes) -> dict[str, Any]:
    row = orjson.loads(line)
    for name in _JSON:
        if row.get(name) is not None:
            row[name] = orjson.dumps(row[name]).decode()
    return row


def _line(row: dict[str, Any]) -> bytes:
    for name in _JSON:
        if row.get(name) is not None:
            row[name] = orjson.loads(row[name])
    return orjson.dumps(row) + b"\n"


class ParquetFile(RecordFile):
    """Articles to the Parquet file `path`; see the module docstring."""

    def __init__(self, path: Path, *, resume: bool = False) -> None:
        _pyarrow()  # a missing pyarrow is a usage error before any work
        super().__init__(path, JsonLines(), resume=resume)

    def _restore(self, final: Path, part: Path) -> None:
        _, pq = _pyarrow()
        with open(part, "wb") as stream:
            for batch in pq.ParquetFile(final).iter_batches(batch_size=ROWS_PER_GROUP):
                stream.writelines(map(_line, batch.to_pylist()))

    def _publish(self, part: Path, final: Path) -> None:
        pa, pq = _pyarrow()
        staged = with_suffix(part, ".tmp")
        try:
            with pq.ParquetWriter(staged, schema(), compression="zstd") as writer:
                for rows in _groups(part):
                    writer.write_table(pa.Table.from_pylist(rows, schema=writer.schema))
            with open(staged, "rb") as stream:
                os.fsync(stream.fileno())
        except OSError as error:  # a full disk: the .part files stay for a resume
            raise WriteError(str(staged), error.strerror or str(error)) from error
        os.replace(staged, final)
        part.unlink()


def _groups(path: Path) -> Iterator[list[dict[str, Any]]]:
    """The staged articles as rows, `ROWS_PER_GROUP` at a time."""
    with open(path, "rb") as stream:
        while rows := [_row(line) for line in islice(stream, ROWS_PER_GROUP)]:
            yield rows
