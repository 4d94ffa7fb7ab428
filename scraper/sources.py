"""Where pages come from for `scraper clean`: files, folders, gzip, stdin, WARC and JSON Lines dumps.

Everything is read lazily, one page at a time, so memory stays flat whatever the corpus size. A source
that cannot be read becomes an `Unreadable` item (never an exception), so the batch goes on. Every item
carries a source id that names where it came from and is stable across runs (the resume key):
the path as given, `path@offset` for a WARC record, `path:line` for a JSON Lines record."""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Container, Generator, Iterable, Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass
from typing import BinaryIO

import orjson
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from scraper.sinks.compression import compression_of, read_errors

STDIN = "-"
MAX_PAGE_BYTES = 64 * 1024 * 1024  # bounds memory per page (and defuses gzip bombs)

PAGE_SUFFIXES = (".html", ".htm", ".gz")
DUMP_SUFFIXES = (".warc", ".warc.gz", ".jsonl", ".jsonl.gz", ".jsonl.zst")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_SCAN_BLOCK = 1024 * 1024
_SNIFF_BYTES = 1024
_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body")
_READ_ERRORS = read_errors()


@dataclass(slots=True)
class RawPage:
    """One page to clean, as it came from its source."""

    source: str
    html: bytes | str
    url: str | None = None
    content_type: str | None = None
    fetched_at: str | None = None  # the WARC-Date of a WARC record, a dump record's "fetched_at"


@dataclass(slots=True)
class Unreadable:
    """A page, record or region of a dump that could not be read, and why."""

    source: str
    reason: str


Item = RawPage | Unreadable


def is_dump(path: str) -> bool:
    """WARC and JSON Lines files hold many pages each."""
    return path.lower().endswith(DUMP_SUFFIXES)


def _is_input(path: str) -> bool:
    """A page or dump by its name; a file of another name (`.shtml`, `.php`, `.aspx`, none at all, as
    wget and browser mirrors save pages) by its first bytes."""
    return path.lower().endswith(PAGE_SUFFIXES + DUMP_SUFFIXES) or _looks_like_html(path)


def _looks_like_html(path: str) -> bool:
    """Whether the file starts as an HTML document: markup first (after a BOM and blanks), with a
    doctype, `<html>`, `<head>` or `<body>` in its first bytes. A file that cannot be read counts as a
    page, so that reading it reports why."""
    try:
        with open(path, "rb") as stream:
            start = stream.read(_SNIFF_BYTES)
    except OSError:
        return True
    start = start.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith(b"<") and any(tag in start for tag in _HTML_TAGS)


def expand(
    paths: Iterable[str], outputs: Container[str] = (), skipped: list[str] | None = None
) -> Iterator[str]:
    """The files behind the arguments, in argument order; folders recursively in sorted order, keeping
    only pages and dumps (a folder of samples also holds their expected JSON; the others are added to
    `skipped`) that are not one of the run's own `outputs` (real paths: `clean dumps/ -o dumps/out.jsonl`
    must not read its output)."""
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                for file in (os.path.join(folder, name) for name in sorted(files)):
                    if os.path.realpath(file) in outputs:
                        continue
                    if _is_input(file):
                        yield file
                    elif skipped is not None:
                        skipped.append(file)
        else:
            yield path


def read_pages(
    paths: Iterable[str],
    done: Container[str] = (),
    url: str | None = None,
    outputs: Container[str] = (),
    skipped: list[str] | None = None,
) -> Iterator[Item]:
    """Every page behind `paths`, lazily, skipping source ids in `done` and the files in `outputs`;
    files in folders that are neither pages nor dumps go to `skipped`. `url` is the address of a single
    page argument (the caller checks there is only one)."""
    for path in expand(paths, outputs, skipped):
        if is_dump(path):
            lower = path.lower()
            reader = _warc_pages if lower.endswith((".warc", ".warc.gz")) else _jsonl_pages
            yield from reader(path, done)
        elif path not in done:
            yield _single_page(path, url)


def _read_limited(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise ValueError(f"page larger than {MAX_PAGE_BYTES // 2**20} MiB")
    return data


def _single_page(path: str, url: str | None) -> Item:
    try:
        if path == STDIN:
            data = _read_limited(sys.stdin.buffer)
        elif path.lower().endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                data = _read_limited(stream)
        else:
            with open(path, "rb") as stream:
                data = _read_limited(stream)
    except (*_READ_ERRORS, ValueError) as error:
        return Unreadable(path, _reason(error))
    return RawPage(path, data, url)


def _reason(error: BaseException) -> str:
    """A one-line reason (warcio quotes the offending bytes: keep a little of them)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(error))
    text = " ".join(text.split()) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _jsonl_pages(path: str, done: Container[str]) -> Iterator[Item]:
    """Records `{"url": ..., "html": ...}`, one a line; the source id is `path:line`."""
    lineno = 0
    try:
        with compression_of(path).open_read(path) as stream:  # also what `scraper clean -o` writes
            for lineno, line in enumerate(stream, 1):
                source = f"{path}:{lineno}"
                if source in done or not line.strip():
                    continue
                yield _jsonl_record(source, line)
    except _READ_ERRORS as error:
        yield Unreadable(f"{path}:{lineno + 1}", f"unreadable from here on: {_reason(error)}")


def _jsonl_record(source: str, line: bytes) -> Item:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return Unreadable(source, f"not JSON: {error}")
    if not isinstance(record, dict) or not isinstance(record.get("html"), str):
        return Unreadable(source, 'not a JSON object with an "html" string')
    url, fetched_at = record.get("url"), record.get("fetched_at")
    return RawPage(
        source,
        record["html"],
        url if isinstance(url, str) else None,
        fetched_at=fetched_at if isinstance(fetched_at, str) else None,
    )


def _warc_pages(path: str, done: Container[str]) -> Iterator[Item]:
    """HTML response records, with the URL and Content-Type of the record. A corrupt or truncated
    region is reported once, then reading resumes at the next record that parses, so a corrupt gzip
    member or a wrong Content-Length costs only the records it covers."""
    magic = _GZIP_MAGIC if path.lower().endswith(".gz") else _WARC_MAGIC
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            start: int | None = 0
            while start is not None:
                stop, error = yield from _warc_run(stream, path, start, done)
                if stop >= size:
                    return
                if error and (stop > start or start == 0):  # else a false resync point in a bad region
                    yield Unreadable(f"{path}@{stop}", f"unreadable WARC data, skipped: {error}")
                start = _find(stream, magic, stop + 1)
    except OSError as error:
        yield Unreadable(path, _reason(error))


def _warc_run(
    stream: BinaryIO, path: str, start: int, done: Container[str]
) -> Generator[Item, None, tuple[int, str | None]]:
    """Read records from `start` until the end or the first error; return where to look for the next
    record and the error to report there (`None` when it was reported already)."""
    stream.seek(start)
    records = ArchiveIterator(stream)
    stop = start
    try:
        for record in records:
            source = f"{path}@{records.offset}"  # warcio keeps `offset` at the current record's start
            item = _warc_page(record, source) if record.rec_type == "response" else None
            warnings = records.err_count
            with redirect_stderr(io.StringIO()):  # warcio prints (the whole rest of) a bad record
                records.read_to_end()
            if records.err_count > warnings:  # no blank line where the Content-Length says it ends
                if source not in done:
                    yield Unreadable(source, "record length does not match its Content-Length")
                return stop, None
            if item is not None and source not in done:
                yield item
            stop = records.offset
    except (ArchiveLoadFailed, *_READ_ERRORS) as error:
        return stop, _reason(error)
    except Exception:  # warcio fails on some truncated headers with internal errors (AttributeError...)
        return stop, "unparsable record"
    return records.offset, "truncated record or trailing data"


def _warc_page(record: ArcWarcRecord, source: str) -> Item | None:
    """The page of a response record; `None` for records that are not HTML pages (images, scripts,
    redirects, errors), which are not failures of the batch."""
    headers = record.http_headers
    if headers is None or not headers.get_statuscode().startswith("2"):
        return None
    content_type = headers.get_header("Content-Type")
    if content_type and content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        return Unreadable(source, f"page larger than {MAX_PAGE_BYTES // 2**20} MiB")
    if record.raw_stream.limit:  # fewer bytes than the record's Content-Length
        return Unreadable(source, "truncated record")
    warc = record.rec_headers
    return RawPage(
        source, body, warc.get_header("WARC-Target-URI"), content_type, warc.get_header("WARC-Date")
    )


def _find(stream: BinaryIO, magic: bytes, start: int) -> int | None:
    """Offset of the next `magic` at or after `start`, scanning in blocks."""
    position = start
    while True:
        stream.seek(position)
        block = stream.read(_SCAN_BLOCK + len(magic) - 1)
        found = block.find(magic)
        if found >= 0:
            return position + found
        if len(block) < _SCAN_BLOCK + len(magic) - 1:
            return None
        position += _SCAN_BLOCK
