"""Where articles go: one interface, `Sink`, for every destination, opened by `open_sink(target)`.

    with closing(open_sink("out/articles.jsonl.gz", resume=True)) as sink:
        for source, page in pages:
            if source not in sink.done:
                sink.write(source, scraper.extract(page).to_json())
        sink.finish()  # the output is complete: it appears whole, under its name, only now

A target is a file or a database URL:

| target | written | `resume` |
|---|---|---|
| `-` (or None) | JSON Lines (or CSV rows) on standard output, as they come | no |
| `FILE.jsonl`, `FILE.csv` | one record an article, to `FILE.part`, renamed at `finish` | yes |
| `FILE.jsonl.gz`, `.zst`, `FILE.csv.gz`, ... | the same, compressed, a member per block | yes |
| `FILE.parquet` | staged as JSON Lines, converted at `finish` | yes |
| `sqlite:///FILE`, `postgresql://...` | upserted, committed in batches | yes |

`write(source, article)` takes the source id of the page (its path, `dump.warc.gz@OFFSET`, its URL: the
resume key, kept beside each article) and the article's JSON (`Article.to_json()`). `done` holds the
source ids a resumed sink already has: skip them. `finish()` makes the output complete (renamed into
place, or the last batch committed); `close()` always, after it or instead of it (interrupted): what was
written stays for a resume. Writes that fail raise `scraper.errors.WriteError` naming the output;
targets that cannot work raise `scraper.errors.UsageError`.

The crawl appends to its outputs across runs instead (`spiders.jsonl`), with the same compression
(`scraper.sinks.compression`) and database sinks (`scraper.sinks.database`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from scraper.errors import UsageError
from scraper.sinks.compression import NONE, compression_of, strip_compression
from scraper.sinks.database import DatabaseSink, is_database
from scraper.sinks.files import RecordFile, Stream
from scraper.sinks.parquet import ParquetFile
from scraper.sinks.records import records_for

FORMATS = ("jsonl", "csv", "parquet")
STDOUT = "-"


class Sink(Protocol):
    done: set[str]  # source ids already in the output (of a resumed run), to skip

    def write(self, source: str, article: bytes) -> None: ...

    def finish(self) -> None:
        """The run is complete."""

    def close(self) -> None:
        """Release the output; without `finish` first, the run stops where it is, for a resume."""


def format_of(target: str, format: str | None = None) -> str:
    """The format asked for, else the one the file's extension names (JSON Lines by default)."""
    if format:
        return format
    suffix = Path(strip_compression(target)).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


def open_sink(target: str | None, *, format: str | None = None, resume: bool = False) -> Sink:
    """The sink for a file, `-` (standard output) or a database URL; see the module docstring."""
    if is_database(target or ""):
        if format:
            raise UsageError(f"--format is for files, not for the database {target}")
        database = DatabaseSink(target or "", resume=resume)
        database.commit_on_a_timer()
        return database
    chosen = format_of(target or "", format)
    if target in (None, STDOUT):
        if resume:
            raise UsageError("resuming needs an output file or database")
        if chosen == "parquet":
            raise UsageError("Parquet cannot go to standard output: give a file")
        return Stream(records_for(chosen))
    compression = compression_of(target)
    if chosen == "parquet":
        if compression is not NONE:
            raise UsageError(f"{target}: Parquet compresses its own columns, name it .parquet")
        return ParquetFile(Path(target), resume=resume)
    return RecordFile(Path(target), records_for(chosen), compression, resume=resume)
