"""`scraper clean PATH...`: saved pages and dumps to JSON Lines articles, in parallel, resumably.

This process reads the inputs lazily and writes the results; the batch engine's workers
(`scraper.batch`) clean the pages (`scraper.jobs.clean_page`), with only a few chunks in flight, which
keeps memory flat whatever the corpus size.

With `--templates FILE`, a first pass learns the site templates of all the inputs into FILE before any
page is cleaned (workers read the pages' blocks, the parent counts them in input order, so FILE does not
depend on `-j`); each worker of the second pass loads FILE once. Every page is then cleaned with the same
templates, whatever `-j` and its place in the input (learning as pages are cleaned would give the
first pages of a site none, and make results depend on which worker saw what)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import orjson

from scraper.batch import Workers
from scraper.cli.options import add_body_arguments, add_language_argument
from scraper.errors import UsageError, WriteError
from scraper.jobs import Outcome, clean_page, failure, load_templates, read_template, size_of, source_of
from scraper.limits import PAGE_TIMEOUT
from scraper.sinks import FORMATS, Sink, open_sink
from scraper.sinks.database import is_database
from scraper.sinks.files import LineFile
from scraper.sinks.runs import RUN_FIELD, new_run, resumed_run, run_files
from scraper.sources import STDIN, Item, is_dump, read_pages
from scraper.status import OK, PARTIAL, WRITE_FAILED
from scraper.templates import MIN_PAGES, TemplateStore

HELP = "clean saved pages and dumps into articles (JSON Lines, CSV, Parquet, a database)"
DESCRIPTION = """\
Clean saved pages (files, folders, .gz, standard input) and dumps (WARC, JSON Lines) into one JSON
article a line, or CSV rows, a Parquet file, an SQLite or PostgreSQL database. Exit status: 0 all pages
cleaned, 1 some failed, 2 usage error, 74 the output could not be written (disk full, database
unreachable; --resume goes on from where it stopped)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a page (.html, .htm, .gz), a folder (searched recursively; a file of another name is "
        "read if it starts as HTML), a dump (.warc, .warc.gz: HTML responses; .jsonl, .jsonl.gz: records "
        "with url and html), or - for standard input",
    )
    parser.add_argument("--url", help="the address of the page (a single page only)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of stdout; .gz or .zst compresses; the format by the "
        "extension (.jsonl, .csv, .parquet) unless --format; {run} in FILE: the run's start time",
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        help="upsert into a database: sqlite:///FILE or postgresql://USER@HOST/DB (tables articles and "
        "article_versions, created on first use)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="jsonl (default), csv (one row an article) or parquet"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="skip the pages already in the -o FILE or --to database (of a killed run too)",
    )
    parser.add_argument("--errors", metavar="FILE", help="also write the failures to FILE as JSON Lines")
    cores = len(os.sched_getaffinity(0))
    parser.add_argument("-j", "--jobs", type=int, default=cores, help="worker processes (default: cores)")
    parser.add_argument("--unordered", action="store_true", help="write articles as they finish")
    parser.add_argument("--explain", action="store_true", help="show on stderr what each rule removed")
    add_body_arguments(parser)
    add_language_argument(parser)
    parser.add_argument(
        "--page-timeout",
        type=float,
        default=PAGE_TIMEOUT,
        metavar="SECONDS",
        help=f"a page that takes longer fails with an error (default {PAGE_TIMEOUT:g}; 0: no limit)",
    )
    parser.add_argument(
        "--templates",
        metavar="FILE",
        help=f"drop the blocks repeated on {MIN_PAGES}+ pages of a site (menus, promos, footers) from the "
        "pages of that site that no site cleaner knows: a first pass learns them from all the inputs into "
        "FILE (extended if it exists, written atomically), then the pages are cleaned with them. Two passes "
        "so that a page's article does not depend on -j or on its place in the input; the cost is one "
        "more parse per page (about 1.4 ms, a seventh of a generic clean)",
    )


def _check_usage(args: argparse.Namespace) -> None:
    """Raises `UsageError` before any work is done."""
    missing = [path for path in args.paths if path != STDIN and not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.paths.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read once only")
    if args.url and (len(args.paths) > 1 or os.path.isdir(args.paths[0]) or is_dump(args.paths[0])):
        raise UsageError("--url needs exactly one page (a file or -), not folders, dumps or several inputs")
    if args.output and args.to:
        raise UsageError("-o FILE and --to URL exclude each other: one output a run")
    if args.to and not is_database(args.to):
        raise UsageError(f"--to {args.to}: not a database URL (sqlite:///FILE, postgresql://...); files: -o")
    if args.resume and not (args.output or args.to):
        raise UsageError("--resume needs -o FILE or --to URL")
    if args.templates and STDIN in args.paths:
        raise UsageError("--templates reads the inputs twice: not with standard input (-)")
    for path in (args.output, args.errors, args.templates):
        if path and not os.path.isdir(os.path.dirname(path) or "."):
            raise UsageError(f"no folder for {path}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")


def _open_output(args: argparse.Namespace) -> Sink:
    """The run's sink; with {run} in -o, the file of this run (with --resume: of the unfinished run,
    skipping the pages the finished runs hold)."""
    target, done = args.to or args.output, set[str]()
    if args.output and RUN_FIELD in args.output:
        started = datetime.now(UTC)
        if args.resume:
            target, done = resumed_run(args.output, started)
        else:
            target = new_run(args.output, started)
    sink = open_sink(target, format=args.format, resume=args.resume)
    sink.done |= done
    if sink.done:
        print(f"resuming: {len(sink.done)} pages already in {args.to or args.output}", file=sys.stderr)
    return sink


def run(args: argparse.Namespace) -> int:
    _check_usage(args)
    written = [args.errors, args.templates, *(run_files(args.output) if args.output else ())]
    outputs = {os.path.realpath(path) for path in (args.output, *written) if path}
    templates = Path(args.templates) if args.templates else None
    if templates:
        try:
            store = TemplateStore.load(templates)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(f"--templates {templates} is not a template file: {error}") from error
        # Every page, those an earlier run did too: a page counts once, and the templates must not
        # depend on where a killed run stopped.
        _learn(store, read_pages(args.paths, url=args.url, outputs=outputs), templates, args.jobs)
    try:
        sink = _open_output(args)
    except WriteError as error:
        print(f"scraper clean: {error}; stopped", file=sys.stderr)
        return WRITE_FAILED
    errors = LineFile(Path(args.errors), append=args.resume) if args.errors else None
    report = Report(sys.stderr.isatty())
    skipped: list[str] = []  # files in the folders that are neither pages nor dumps
    items = read_pages(args.paths, sink.done, args.url, outputs, skipped)
    workers = Workers(args.jobs, load_templates, (templates,))
    outcomes = workers.map(
        partial(clean_page, explain=args.explain, body=args.body, with_=args.extras, languages=args.lang),
        items,
        key=source_of,
        failed=failure,
        ordered=not args.unordered,
        timeout=args.page_timeout,
        size=size_of,
    )
    try:
        for outcome in outcomes:
            if outcome.line is not None:
                sink.write(outcome.source, outcome.line)
            if outcome.explain:
                report.message(outcome.explain)
            if outcome.error is not None:
                report.message(f"{outcome.source}: {outcome.error}")
                if errors:
                    errors.write(_error_json(outcome))
            report.count(
                failed=outcome.error is not None, fallback=outcome.fallback, language=outcome.skipped_language
            )
        sink.finish()
    except WriteError as error:
        report.message(f"scraper clean: {error}; stopped (--resume goes on from here)")
        return WRITE_FAILED
    finally:
        workers.close()
        sink.close()
        if errors:
            errors.close()
        report.close()
    if skipped:
        print(
            f"{len(skipped)} file{'s' if len(skipped) > 1 else ''} in the folders skipped, not HTML "
            f"(first: {skipped[0]})",
            file=sys.stderr,
        )
    if report.fallbacks:
        counts = ", ".join(f"{site} {count}" for site, count in sorted(report.fallbacks.items()))
        print(f"site cleaners that fell back to the generic one: {counts}", file=sys.stderr)
    if report.skipped_languages:
        counts = ", ".join(f"{lang} {count}" for lang, count in sorted(report.skipped_languages.items()))
        skipped = sum(report.skipped_languages.values())
        print(f"{skipped} pages skipped, in a language not in --lang: {counts}", file=sys.stderr)
    if report.failed:
        print(f"{report.failed} of {report.pages} pages failed", file=sys.stderr)
    return PARTIAL if report.failed else OK


def _learn(store: TemplateStore, items: Iterable[Item], path: Path, jobs: int) -> None:
    """The first pass: count the blocks of every page into `store`, then save it to `path`. Pages
    already in the store (a resumed run, new dumps of known sites) count once."""
    started, known = time.monotonic(), sum(len(site.pages) for site in store.sites.values())
    with Workers(jobs) as workers:
        for outcome in workers.map(read_template, items, key=source_of, failed=failure, size=size_of):
            if outcome.template is not None:  # a page that fails is reported by the clean pass
                store.add(*outcome.template)
    store.save(path)
    learned = sum(len(site.pages) for site in store.sites.values()) - known
    with_template = sum(bool(store.boilerplate(site)) for site in store.sites)
    print(
        f"site templates: {learned} pages learned in {time.monotonic() - started:.1f} s, "
        f"{with_template} of {len(store.sites)} sites have a template ({path})",
        file=sys.stderr,
    )


def _error_json(outcome: Outcome) -> bytes:
    return orjson.dumps({"source": outcome.source, "error": outcome.error})


class Report:
    """Counts pages and failures; on a terminal, a progress line on stderr (pages, pages/s, errors)
    redrawn a few times a second; messages go above it."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self.pages = self.failed = 0
        self.fallbacks: Counter[str] = Counter()  # site -> pages its cleaner handed to the generic one
        self.skipped_languages: Counter[str] = Counter()  # language -> pages not written (--lang)
        self._start = self._drawn = time.monotonic()

    def count(self, *, failed: bool, fallback: str | None = None, language: str | None = None) -> None:
        self.pages += 1
        self.failed += failed
        if fallback:
            self.fallbacks[fallback] += 1
        if language:
            self.skipped_languages[language] += 1
        if self.live and time.monotonic() - self._drawn > 0.2:
            self._draw()

    def message(self, text: str) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
        print(text, file=sys.stderr, flush=True)

    def _draw(self) -> None:
        self._drawn = time.monotonic()
        rate = self.pages / max(self._drawn - self._start, 1e-9)
        sys.stderr.write(f"\r\x1b[K{self.pages:,} pages  {rate:,.0f} pages/s  {self.failed:,} errors")
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            self._draw()
            sys.stderr.write("\n")
