"""Where articles go: JSON Lines on standard output, or a file that is never left half-written and that
an interrupted run can resume.

`ArticleFile(path)` writes the articles to `path` and the source id of each, line for line, to
`path.sources` (provenance, and the resume key). While a run goes on both are appended to `path.part`
and `path.sources.part`, flushed per line, and renamed into place when the run ends: `path` is always the
complete output of a finished run. A killed run leaves the `.part` files, each a prefix of what it would
have written (plus at most one partial line); resuming cuts both to the complete lines they share, so
every article kept has its source id and the rest is done again, without duplicates."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Protocol

from scraper.errors import WriteError

SOURCES_SUFFIX = ".sources"
PART_SUFFIX = ".part"


class ArticleSink(Protocol):
    done: set[str]  # source ids already in the output, to skip

    def write(self, source: str, line: bytes) -> None: ...

    def finish(self) -> None:
        """The run is complete."""

    def close(self) -> None:
        """The run stops without finishing."""


class LineFile:
    """Lines appended to a file and flushed one by one, so a killed process loses at most the line it
    was writing. A write that fails (disk full) raises `WriteError` naming the file."""

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        self._file: BinaryIO = open(path, "ab" if append else "wb")  # noqa: SIM115 (closed by close())

    def _failed(self, error: OSError) -> WriteError:
        return WriteError(str(self.path), error.strerror or str(error))

    def write(self, line: bytes) -> None:
        try:
            self._file.write(line + b"\n")
            self._file.flush()
        except OSError as error:
            raise self._failed(error) from error

    def close(self, *, sync: bool = False) -> None:
        if not sync:
            # After a failed write the buffer still holds part of a line: it cannot reach the disk either,
            # and a resume cuts a partial last line. Closing releases the file all the same.
            with suppress(OSError):
                self._file.close()
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())  # the data must reach the disk before the rename does
            self._file.close()
        except OSError as error:
            raise self._failed(error) from error


class ArticleStream:
    """Articles to standard output, one a line, as they come (for pipes)."""

    def __init__(self) -> None:
        self.done: set[str] = set()
        self._out = sys.stdout.buffer

    def write(self, source: str, line: bytes) -> None:
        self._out.write(line + b"\n")
        self._out.flush()

    def finish(self) -> None:
        pass

    def close(self) -> None:
        pass


def _with_suffix(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


class ArticleFile:
    """Articles to `path`, source ids to `path.sources`; see the module docstring. Call `finish()` when
    the run is complete; without it (interrupted, crashed) the `.part` files stay for `resume=True`."""

    def __init__(self, path: Path, *, resume: bool = False) -> None:
        self._finals = (path, _with_suffix(path, SOURCES_SUFFIX))
        self._parts = tuple(_with_suffix(final, PART_SUFFIX) for final in self._finals)
        self.done: set[str] = self._recover() if resume else set()
        articles, sources = (LineFile(part, append=resume) for part in self._parts)
        self._articles, self._sources = articles, sources

    def _recover(self) -> set[str]:
        """Continue the `.part` files of an interrupted run, else the finished output (copied, so it
        stays whole until replaced); keep the complete lines both files share."""
        for final, part in zip(self._finals, self._parts, strict=True):
            if not part.exists():
                if final.exists():
                    shutil.copyfile(final, part)
                else:
                    part.touch()
        articles, sources = self._parts
        with open(sources, "rb") as stream:
            ids = [json.loads(line) for line in _whole_lines(stream)]
        kept = _cut(articles, len(ids))
        _cut(sources, kept)
        return set(ids[:kept])

    def write(self, source: str, line: bytes) -> None:
        """The article first: a kill in between leaves an article without its id, which resume drops."""
        self._articles.write(line)
        self._sources.write(json.dumps(source).encode())  # escapes newlines and undecodable file names

    def finish(self) -> None:
        files = (self._articles, self._sources)
        for lines, part, final in zip(files, self._parts, self._finals, strict=True):
            lines.close(sync=True)
            os.replace(part, final)

    def close(self) -> None:
        """Stop without finishing (the run was interrupted): the `.part` files stay for a resume."""
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
