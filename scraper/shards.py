"""One input (a WARC or JSON Lines dump, local or on an HTTP(S) server) cleaned into its own shard,
`OUT/<input-name>.jsonl.gz`, and the manifest of the inputs done: what `scraper clean -o OUT/` runs, in
local worker processes or as Ray tasks (`scraper.schedulers`), the same function either way.

A shard is written under a temporary name and renamed when its input is done, so it holds a whole input
or does not exist: a task run twice (Ray retries one whose worker died) replaces it with the same lines,
and an input that cannot be read whole (a download that failed for good) leaves none. The manifest,
written by the one process that runs the batch once a shard is in place, lists the inputs done; a rerun
with --resume does only the others. A shard in place whose input the manifest misses (the run was killed
in between) is made again and replaced, never appended to.

A big gzipped WARC file can be split into byte spans (`--split-mb`), each a task and a shard of its own
(`NAME.0003.jsonl.gz`): a span holds the records that start in it. The manifest then lists the spans
done, and a resume must split the same way."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path
from typing import Any, BinaryIO

from scraper.batch import in_process
from scraper.errors import WriteError
from scraper.jobs import clean_page, failure, source_of
from scraper.remote import Retry, is_url, url_path
from scraper.site_filter import SiteFilter
from scraper.sources import DUMP_SUFFIXES, Counts, Reading, Span, is_gzipped_warc, read_pages

SHARD_SUFFIX = ".jsonl.gz"
MANIFEST = "manifest.jsonl"
LOCK = ".lock"
TEMPORARY = ".tmp"  # a shard being written: `.NAME.jsonl.gz.<tag>.tmp`


def part_key(input: str, span: Span | None) -> str:
    """What the manifest lists as done: the input, or a span of it."""
    return input if span is None else f"{input}#bytes={span.start}-{span.end}"


@dataclass(frozen=True, slots=True)
class InputTask:
    """Clean the pages of `input` (a path or URL; only the records of `span`, if any) into `shard`."""

    input: str
    shard: str
    sites: SiteFilter | None = None
    page_timeout: float | None = None
    retry: Retry = field(default_factory=Retry)
    span: Span | None = None

    @property
    def key(self) -> str:
        return part_key(self.input, self.span)


@dataclass(slots=True)
class InputResult:
    """What became of one input (or span): its counts and failed pages, or why it was lost (no shard
    then)."""

    input: str
    span: Span | None = None
    shard: str | None = None  # written; None when the input was lost
    records: int = 0  # seen
    kept: int = 0  # on the sites, cleaned
    articles: int = 0
    lines: int = 0  # articles and the other pages (fronts, listings) written to the shard
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason) of pages that failed
    fallbacks: Counter[str] = field(default_factory=Counter)  # site -> pages the generic cleaner took
    lost: str | None = None  # why the input could not be read whole
    write_error: str | None = None  # the shard could not be written (disk full)

    @property
    def key(self) -> str:
        return part_key(self.input, self.span)


def clean_input(task: InputTask) -> InputResult:
    """The pages of one input, cleaned one after another in this process, into its shard. Never raises
    for what is wrong with the input: that is in the result."""
    counts = Counts()
    result = InputResult(task.input, task.span)
    reading = Reading(task.sites, counts, task.retry, task.span)
    items = read_pages([task.input], reading=reading)
    outcomes = in_process(clean_page, items, key=source_of, failed=failure, timeout=task.page_timeout)
    try:
        with ShardFile(Path(task.shard)) as shard:
            for outcome in outcomes:
                if outcome.line is not None:
                    shard.write(outcome.line)
                    result.lines += 1
                    result.articles += outcome.article
                    if outcome.fallback:
                        result.fallbacks[outcome.fallback] += 1
                elif outcome.lost:
                    result.lost = f"{outcome.source}: {outcome.error}"
                    break
                else:
                    result.failures.append((outcome.source, outcome.error or "failed"))
            if result.lost is None:
                shard.commit()
                result.shard = task.shard
    except WriteError as error:
        result.write_error = str(error)
    result.records, result.kept = counts.records, counts.kept
    return result


class ShardFile:
    """A gzipped JSON Lines file that appears under its name only once complete (`commit`); otherwise
    (`close` without it) nothing of it stays."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMPORARY}")
        self._raw: BinaryIO = open(self._temporary, "wb")  # noqa: SIM115 (closed by close())
        # Level 3: about 85 MB/s of JSON a core, against 36 at level 6, for 10% more bytes.
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=3, mtime=0)

    def write(self, line: bytes) -> None:
        try:
            self._gzip.write(line + b"\n")
        except OSError as error:
            raise WriteError(str(self.path), error.strerror or str(error)) from error

    def commit(self) -> None:
        """Into place, on disk: the data, then the name (the folder synced after the rename)."""
        try:
            self._gzip.close()
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            os.replace(self._temporary, self.path)
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError as error:
            raise WriteError(str(self.path), error.strerror or str(error)) from error

    def close(self) -> None:
        if not self._raw.closed:
            with suppress(OSError):  # a full disk: the file goes anyway
                self._gzip.close()
            self._raw.close()
        self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> ShardFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def shard_name(input: str) -> str:
    """The shard of an input is named after its file: `CC-NEWS-20261101-00012.warc.gz` gives
    `CC-NEWS-20261101-00012.jsonl.gz`."""
    name = os.path.basename((url_path(input) if is_url(input) else input).rstrip("/")) or "input"
    for suffix in sorted(DUMP_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name + SHARD_SUFFIX


def _hashed_name(input: str) -> str:
    """For inputs whose file names are alike (`2026/01/dump.warc.gz`, `2026/02/dump.warc.gz`)."""
    tag = sha1(input.encode()).hexdigest()[:8]
    return f"{shard_name(input).removesuffix(SHARD_SUFFIX)}-{tag}{SHARD_SUFFIX}"


def spans(size: int | None, split: int | None) -> list[Span | None]:
    """A file of `size` bytes in spans of `split` bytes (one span, `None`, when it is not bigger)."""
    if not split or size is None or size <= split:
        return [None]
    return [Span(start, min(start + split, size)) for start in range(0, size, split)]


def plan(
    inputs: list[str],
    folder: Path,
    manifest: Manifest,
    split: int | None = None,
    size: Callable[[str], int | None] = lambda input: None,
) -> list[tuple[str, Span | None, str]]:
    """(input, span, shard path) for each input or span not done yet; gzipped WARC files bigger than
    `split` bytes (their `size`) in spans. An input's shard keeps its file's name unless another input
    of the run, or one the manifest lists, has a file of the same name. Raises `ValueError` when the
    manifest lists spans of an input that this split does not make."""
    inputs = list(dict.fromkeys(inputs))
    by_name = Counter(shard_name(input) for input in inputs)
    todo = []
    for input in inputs:
        parts = spans(size(input), split) if split and is_gzipped_warc(input) else [None]
        keys = {part_key(input, span) for span in parts}
        if not manifest.keys.get(input, set()) <= keys:
            raise ValueError(f"the manifest lists other spans of {input}: resume with its --split-mb")
        name = shard_name(input)
        names = (_part_name(name, span, split) for span in parts)
        if by_name[name] > 1 or any(manifest.owners.get(other, input) != input for other in names):
            name = _hashed_name(input)
        for span in parts:
            if part_key(input, span) not in manifest.done:
                todo.append((input, span, str(folder / _part_name(name, span, split))))
    return todo


def _part_name(name: str, span: Span | None, split: int | None) -> str:
    """`NAME.jsonl.gz`, or `NAME.0003.jsonl.gz` for the fourth span of the input."""
    if span is None or not split:
        return name
    return f"{name.removesuffix(SHARD_SUFFIX)}.{span.start // split:04d}{SHARD_SUFFIX}"


class Manifest:
    """`OUT/manifest.jsonl`: one line per input done, `{"input", "shard", "records", "kept",
    "articles", "failed"}`, appended and flushed as each is done. A partial last line (a kill while
    writing it) is cut when the run is resumed. The run holds a lock on the folder while it writes."""

    def __init__(self, folder: Path, *, resume: bool) -> None:
        self.path = folder / MANIFEST
        self._lock = open(folder / LOCK, "ab")  # noqa: SIM115 (closed by close())
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise
        self.done: dict[str, str] = {}  # input (or span: `part_key`) -> shard name
        self.keys: defaultdict[str, set[str]] = defaultdict(set)  # input -> its keys done
        self.owners: dict[str, str] = {}  # shard name -> its input
        if resume and self.path.exists():
            for entry in self._read():
                self._add(entry)
        self._file = open(self.path, "ab" if resume else "wb")  # noqa: SIM115 (closed by close())
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """The temporary shards of tasks that were killed (no task of the folder's runs is alive)."""
        for leftover in self.path.parent.glob(f".*{SHARD_SUFFIX}.*{TEMPORARY}"):
            leftover.unlink(missing_ok=True)

    def _read(self) -> list[dict[str, Any]]:
        with open(self.path, "r+b") as stream:
            lines = stream.read().split(b"\n")
            if lines[-1]:  # a partial last line
                stream.truncate(sum(len(line) + 1 for line in lines[:-1]))
        return [json.loads(line) for line in lines[:-1] if line]

    def _add(self, entry: dict[str, Any]) -> None:
        span = Span(*entry["bytes"]) if "bytes" in entry else None
        key = part_key(entry["input"], span)
        self.done[key] = entry["shard"]
        self.keys[entry["input"]].add(key)
        self.owners[entry["shard"]] = entry["input"]

    def record(self, result: InputResult) -> None:
        assert result.shard is not None
        entry = {
            "input": result.input,
            "shard": os.path.basename(result.shard),
            "records": result.records,
            "kept": result.kept,
            "articles": result.articles,
            "failed": len(result.failures),
        }
        if result.span:
            entry["bytes"] = [result.span.start, result.span.end]
        try:
            self._file.write(json.dumps(entry).encode() + b"\n")
            self._file.flush()
        except OSError as error:
            raise WriteError(str(self.path), error.strerror or str(error)) from error
        self._add(entry)

    def close(self) -> None:
        """At the end of the run, when its tasks are over."""
        self._remove_leftovers()
        with suppress(OSError):  # a failed write was reported; a resume cuts its partial line
            self._file.close()
        self._lock.close()
