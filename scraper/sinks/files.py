"""Article files that are never left half-written and that an interrupted run resumes: JSON Lines or CSV,
plain, `.gz` or `.zst` (`RecordFile`), and standard output (`Stream`).

`RecordFile(path)` writes the articles to `path` and the source id of each, record for record, to
`path.sources` (provenance, and the resume key). While a run goes on both are appended to `path.part`
and `path.sources.part` and renamed into place when the run ends: `path` is always the complete output
of a finished run. A plain file is flushed record by record; a compressed one a member (of whole
records, about `BLOCK_BYTES`) at a time, before the source ids of its records. A killed run leaves the
`.part` files, each a prefix of what it would have written (plus at most a partial record or member);
resuming cuts them to the records both hold whole, at a member boundary, so every article kept has its
source id and the rest is done again, without duplicates."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import suppress
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from scraper.errors import UsageError, WriteError
from scraper.sinks.compression import BLOCK_BYTES, NONE, Compression
from scraper.sinks.records import Records

SOURCES_SUFFIX = ".sources"
PART_SUFFIX = ".part"


class LineFile:
    """Bytes appended to a file and flushed at once, so a killed process loses at most the record it was
    writing. A write that fails (disk full) raises `WriteError` naming the file."""

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        self._file: BinaryIO = open(path, "ab" if append else "wb")  # noqa: SIM115 (closed by close())

    def _failed(self, error: OSError) -> WriteError:
        return WriteError(str(self.path), error.strerror or str(error))

    def append(self, data: bytes) -> None:
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as error:
            raise self._failed(error) from error

    def write(self, line: bytes) -> None:
        self.append(line + b"\n")

    def close(self, *, sync: bool = False) -> None:
        if not sync:
            # After a failed write the buffer still holds part of a record: it cannot reach the disk
            # either, and a resume cuts a partial record. Closing releases the file all the same.
            with suppress(OSError):
                self._file.close()
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())  # the data must reach the disk before the rename does
            self._file.close()
        except OSError as error:
            raise self._failed(error) from error


class Stream:
    """Articles to standard output, one record each, as they come (for pipes)."""

    def __init__(self, records: Records) -> None:
        self.done: set[str] = set()
        self._records = records
        self._out = sys.stdout.buffer
        self._out.write(records.header)

    def write(self, source: str, article: bytes) -> None:
        self._out.write(self._records.encode(article))
        self._out.flush()

    def finish(self) -> None:
        self._out.flush()

    def close(self) -> None:
        pass


def with_suffix(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


class RecordFile:
    """Articles to `path`, source ids to `path.sources`; see the module docstring. Call `finish()` when
    the run is complete; without it (interrupted, crashed) the `.part` files stay for `resume=True`."""

    def __init__(
        self, path: Path, records: Records, compression: Compression = NONE, *, resume: bool = False
    ) -> None:
        self.path = path
        self._records, self._compression = records, compression
        self._finals = (path, with_suffix(path, SOURCES_SUFFIX))
        self._parts = tuple(with_suffix(final, PART_SUFFIX) for final in self._finals)
        self.done: set[str] = self._recover() if resume else set()
        articles, sources = (LineFile(part, append=resume) for part in self._parts)
        self._articles, self._sources = articles, sources
        self._block: list[bytes] = []
        self._block_sources: list[bytes] = []
        self._block_size = 0
        self._failed = self._finished = False
        if records.header and articles.path.stat().st_size == 0:
            self._append(records.header)

    def _restore(self, final: Path, part: Path) -> None:
        """Start the `.part` of a resumed run from the finished output."""
        shutil.copyfile(final, part)

    def _publish(self, part: Path, final: Path) -> None:
        """Give the complete `.part` its final name (synced first: the data before the rename)."""
        os.replace(part, final)

    def _recover(self) -> set[str]:
        """Continue the `.part` files of an interrupted run, else the finished output (copied, so it
        stays whole until replaced); keep the records both files hold whole."""
        restore = (self._restore, shutil.copyfile)
        for final, part, copy in zip(self._finals, self._parts, restore, strict=True):
            if not part.exists():
                if final.exists():
                    copy(final, part)
                else:
                    part.touch()
        articles, sources = self._parts
        with open(sources, "rb") as stream:
            ids = [json.loads(line) for line in _whole_lines(stream)]
        offset, kept = self._boundary(articles, len(ids))
        os.truncate(articles, offset)
        _cut(sources, kept)
        return set(ids[:kept])

    def _boundary(self, path: Path, limit: int) -> tuple[int, int]:
        """(offset, records) of the last block boundary of `path` with at most `limit` records."""
        header = self._records.header
        best = (0, 0)
        with open(path, "rb") as stream:
            if header and not self._starts_with_header(stream):
                return best  # a partial header: the file starts again
            stream.seek(0)
            for offset, count in self._blocks(stream):
                records = count - bool(header)
                if records > limit:
                    break
                best = (offset, records)
        return best

    def _starts_with_header(self, stream: BinaryIO) -> bool:
        header = self._records.header
        if self._compression is NONE:
            start = stream.read(len(header))
        else:
            start = next((data for _, data in self._compression.members(stream)), b"")
        if start == header:
            return True
        if header.startswith(start):
            return False
        raise UsageError(f"{self.path} holds other columns than this version writes: cannot resume it")

    def _blocks(self, stream: BinaryIO) -> Iterator[tuple[int, int]]:
        """(end offset, records so far) after each complete block (a record, or a member of records)."""
        offset = count = 0
        if self._compression is NONE:
            for size in self._records.sizes(stream):
                offset, count = offset + size, count + 1
                yield offset, count
            return
        for end, data in self._compression.members(stream):
            sizes = list(self._records.sizes(BytesIO(data)))
            if sum(sizes) != len(data):
                return  # not a member this writer wrote
            count += len(sizes)
            yield end, count

    def _append(self, data: bytes) -> None:
        try:
            self._articles.append(self._compression.compress(data))
        except WriteError:
            self._failed = True
            raise

    def write(self, source: str, article: bytes) -> None:
        """Uncompressed, the article first: a kill in between leaves an article without its id, which
        resume drops. Compressed, a block of them first, then their ids, for the same reason."""
        record = self._records.encode(article)
        source_id = json.dumps(source).encode() + b"\n"  # escapes newlines and undecodable file names
        self._block.append(record)
        self._block_sources.append(source_id)
        self._block_size += len(record)
        if self._compression is NONE or self._block_size >= BLOCK_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self._block:
            return
        self._append(b"".join(self._block))
        try:
            self._sources.append(b"".join(self._block_sources))
        except WriteError:
            self._failed = True
            raise
        self._block.clear()
        self._block_sources.clear()
        self._block_size = 0

    def finish(self) -> None:
        self._flush()
        files = (self._articles, self._sources)
        for lines in files:
            lines.close(sync=True)
        for part, final, publish in zip(self._parts, self._finals, (self._publish, os.replace), strict=True):
            publish(part, final)
        self._finished = True

    def close(self) -> None:
        """Stop without finishing (interrupted): what is written stays in the `.part` files for a
        resume, with the block in memory unless a write failed."""
        if not (self._failed or self._finished):
            with suppress(WriteError):
                self._flush()
        self._articles.close()
        self._sources.close()


def _whole_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The complete lines (with their newline) at the start of a file; a partial last line is not one."""
    for line in stream:
        if not line.endswith(b"\n"):
            return
        yield line


def _cut(path: Path, limit: int) -> int:
    """Cut a file after its first `limit` complete lines (fewer if it has fewer); return how many stay."""
    with open(path, "r+b") as stream:
        kept = list(map(len, islice(_whole_lines(stream), limit)))
        stream.truncate(sum(kept))
    return len(kept)
