"""The crawl's WARC files: what `spiders.archive` writes into them, how they are named and rotated, how a
killed run's last file is settled, and reading one record back.

Files are WARC/1.1 (warcio), `DIR/newsclean-<run start>-<worker>-<serial>.warc.gz`, each opening with a
`warcinfo` record that names the software and the crawl's settings. A file carries an `.open` suffix
while it is written (as Heritrix does) and loses it when it is closed: past `max_size`, or when the crawl
ends. Every record is a gzip member of its own, and the records of one response (response, request) reach
the file in one `write` call, after the crawl state recorded where they go: a crawl killed at any point
leaves whole records, but for a short write of a last one that the next run of the same worker cuts off
(`settle`) before it closes the file. Standard tools read an `.open` file up to its last whole record.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from scraper.errors import WriteError

PREFIX = "newsclean"
OPEN = ".open"  # suffix of a file being written
SUFFIX = ".warc.gz"
_NAME = re.compile(rf"^{PREFIX}-(?P<run>\d{{14}})-(?P<worker>.+)-(?P<serial>\d{{5}}){re.escape(SUFFIX)}")
_SAFE = re.compile(r"[^\w.-]")  # worker names go into file names
_BLOCK = 1024 * 1024


def file_worker(worker: str) -> str:
    """A worker's name as its files carry it."""
    return _SAFE.sub("_", worker)


def written_by(name: str, worker: str) -> bool:
    """Whether a WARC file (by name) is one of this worker's."""
    match = _NAME.match(name)
    return match is not None and match["worker"] == file_worker(worker)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a response's records go: the file's final name (without `.open`) and the first record's
    offset."""

    warc: str
    offset: int


class RecordBuilder(WARCWriter):
    """warcio's record builder, with each record gzipped into bytes of its own at `level` (warcio's own
    writer uses 9)."""

    def __init__(self, level: int) -> None:
        super().__init__(io.BytesIO(), gzip=False, warc_version="1.1")
        self.level = level

    def to_bytes(self, records: Iterable[ArcWarcRecord]) -> bytes:
        members = []
        for record in records:
            plain = io.BytesIO()
            self._write_warc_record(plain, record)
            compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
            members.append(compressor.compress(plain.getvalue()) + compressor.flush())
        return b"".join(members)


class WarcFiles:
    """The files one worker writes in one run: `reserve` a position, then `write` there."""

    def __init__(
        self, folder: Path, worker: str, started: datetime, max_size: int, level: int, info: dict[str, str]
    ) -> None:
        self.folder = folder
        self.stem = f"{PREFIX}-{started:%Y%m%d%H%M%S}-{file_worker(worker)}"
        self.max_size = max_size
        self.info = info
        self.builder = RecordBuilder(level)
        self.serial = -1
        self.name: str | None = None  # the file being written, by its final name
        self.fd = -1
        self.size = 0

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}{OPEN}"

    def reserve(self, size: int) -> Position:
        """Where `size` bytes of records go: the current file, or a new one when they would take it
        past `max_size` (a first record larger than that fills a file alone)."""
        if self.name is None or (self.size + size > self.max_size and self.size > self._header):
            self._rotate()
        assert self.name is not None
        return Position(self.name, self.size)

    def write(self, data: bytes) -> None:
        """Append `data` (records) at the position `reserve` gave. Raises `WriteError` (disk full)."""
        assert self.name is not None
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError as error:
            raise WriteError(str(self._path(self.name)), error.strerror or str(error)) from error
        self.size += len(data)

    def _rotate(self) -> None:
        self.close()
        self.serial += 1
        self.name = f"{self.stem}-{self.serial:05d}{SUFFIX}"
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(self.name)
        try:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as error:
            raise WriteError(str(path), error.strerror or str(error)) from error
        self.size = 0
        self.write(self.builder.to_bytes([self.builder.create_warcinfo_record(self.name, self.info)]))
        self._header = self.size

    _header = 0  # the size of the current file's warcinfo record

    def close(self) -> None:
        """Close the current file and give it its final name."""
        if self.name is None:
            return
        os.close(self.fd)
        os.rename(self._path(self.name), self.folder / self.name)
        self.name = None


def whole_records_end(path: Path) -> int:
    """The offset just past the last whole gzip member (record) of a file."""
    end = offset = 0  # offset: where `data` starts in the file
    member = zlib.decompressobj(zlib.MAX_WBITS + 16)
    with open(path, "rb") as file:
        while block := file.read(_BLOCK):
            data = block
            while data:
                try:
                    member.decompress(data)
                except zlib.error:
                    return end
                if not member.eof:  # the member goes on in the next block
                    offset += len(data)
                    break
                offset += len(data) - len(member.unused_data)
                end, data = offset, member.unused_data
                member = zlib.decompressobj(zlib.MAX_WBITS + 16)
    return end


def settle(folder: Path, worker: str) -> list[Path]:
    """Close the files a killed run of this worker left open: cut a partial last record, drop `.open`.
    Call it while holding the run lock (no run of this worker is writing)."""
    settled = []
    for path in sorted(folder.glob(f"{PREFIX}-*{SUFFIX}{OPEN}")):
        if not written_by(path.name, worker):
            continue
        end = whole_records_end(path)
        if end < path.stat().st_size:
            os.truncate(path, end)
        final = path.with_name(path.name.removesuffix(OPEN))
        os.rename(path, final)
        settled.append(final)
    return settled


def read_record(path: Path, offset: int) -> Iterator[ArcWarcRecord]:
    """The record at `offset` of a WARC file (none if there is no whole record there), read while the
    file is open."""
    with open(path, "rb") as file:
        file.seek(offset)
        for record in ArchiveIterator(file):
            yield record
            return
