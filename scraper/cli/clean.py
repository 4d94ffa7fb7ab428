"""`scraper clean PATH...`: saved pages and dumps to JSON Lines articles, in parallel, resumably.

This process reads the inputs lazily and writes the results; the batch engine's workers
(`scraper.batch`) clean the pages (`scraper.jobs.clean_page`), with only a few chunks in flight, which
keeps memory flat whatever the corpus size.

With `--templates FILE`, a first pass learns the site templates of all the inputs into FILE before any
page is cleaned (workers read the pages' blocks, the parent counts them in input order, so FILE does not
depend on `-j`); each worker of the second pass loads FILE once. Every page is then cleaned with the same
templates, whatever `-j` and its place in the input (learning as pages are cleaned would give the
first pages of a site none, and make results depend on which worker saw what).

With `-o FOLDER/`, each input is cleaned into its own shard (`scraper.shards`), by local workers or on
a Ray cluster (`--ray`): `scraper.cli.clean_shards`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import orjson

from scraper import pipeline
from scraper.batch import Workers
from scraper.cli import clean_shards
from scraper.cli.clean_report import Report
from scraper.cli.options import add_body_arguments, add_language_argument
from scraper.errors import UsageError, WriteError
from scraper.jobs import Outcome, clean_page, failure, load_templates, read_template, size_of, source_of
from scraper.limits import PAGE_TIMEOUT
from scraper.listings import ListingError, is_listing, with_listings
from scraper.remote import DEFAULT_RETRY, Retry, is_url
from scraper.sinks import FORMATS, Sink, open_sink
from scraper.sinks.database import is_database
from scraper.sinks.files import LineFile
from scraper.sinks.runs import RUN_FIELD, new_run, resumed_run, run_files
from scraper.site_filter import SiteFilter
from scraper.sources import STDIN, Item, Reading, is_dump, read_pages
from scraper.status import WRITE_FAILED
from scraper.templates import MIN_PAGES, TemplateStore

HELP = "clean saved pages and dumps into articles (JSON Lines, CSV, Parquet, a database)"
DESCRIPTION = """\
Clean saved pages (files, folders, .gz, standard input) and dumps (WARC, JSON Lines; WARC also from
http(s):// URLs and listings such as CC-NEWS's warc.paths.gz) into one JSON article a line, or CSV rows,
a Parquet file, an SQLite or PostgreSQL database; with -o FOLDER/, one .jsonl.gz shard per input, on
this machine or a Ray cluster (--ray). Exit status: 0 all pages cleaned, 1 some failed, 2 usage error,
4 an input could not be read whole (a download failed for good), 74 the output could not be written
(disk full, database unreachable; --resume goes on from where it stopped), 75 another run holds the
output folder."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a page (.html, .htm, .gz), a folder (searched recursively; a file of another name is "
        "read if it starts as HTML), a dump (.warc, .warc.gz: HTML responses; .jsonl, .jsonl.gz: records "
        "with url and html), the http(s):// URL of a WARC file (streamed), a listing (NAME.paths, "
        "NAME.paths.gz: one path or URL a line; a file or a URL), or - for standard input",
    )
    parser.add_argument("--url", help="the address of the page (a single page only)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of stdout; .gz or .zst compresses; the format by the "
        "extension (.jsonl, .csv, .parquet) unless --format; {run} in FILE: the run's start time; a "
        "folder (existing, or ending in /): one shard per input, FOLDER/NAME.jsonl.gz, and "
        "FOLDER/manifest.jsonl listing the inputs done",
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
        help="skip the pages already in the -o FILE or --to database (of a killed run too), or the inputs "
        "in the manifest of the -o FOLDER/",
    )
    parser.add_argument(
        "--base-url",
        metavar="BASE",
        help="resolve the relative lines of listings against BASE, a URL (https://data.commoncrawl.org/) "
        "or a folder",
    )
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="DOMAINS",
        help="keep only the records of these sites (comma-separated domains, subdomains included; known: "
        "the sites that have a cleaner), told by the record's URL before its page is read",
    )
    parser.add_argument("--sites", metavar="FILE", help="as --site, from FILE: one domain a line")
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="run the inputs as tasks on the Ray cluster at ADDRESS (host:port, or auto), one task per "
        "input (or --split-mb span); needs -o FOLDER/ (seen by every node) and pip install 'newsclean[ray]'",
    )
    parser.add_argument(
        "--split-mb",
        type=float,
        metavar="MB",
        help="with -o FOLDER/: clean a .warc.gz bigger than MB megabytes as several tasks, one per MB of "
        "it, each into a shard of its own (NAME.0003.jsonl.gz); a resume needs the same MB",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=DEFAULT_RETRY.retries,
        metavar="N",
        help=f"download retries of a remote file, in a row (default {DEFAULT_RETRY.retries})",
    )
    parser.add_argument(
        "--retry-backoff",
        type=float,
        default=DEFAULT_RETRY.backoff,
        metavar="SECONDS",
        help=f"wait before the first retry, doubled for each next (default {DEFAULT_RETRY.backoff:g})",
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
    local = [path for path in args.paths if path != STDIN and not is_url(path)]
    missing = [path for path in local if not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.paths.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read once only")
    if args.url and (
        len(args.paths) > 1
        or os.path.isdir(args.paths[0])
        or is_dump(args.paths[0])
        or is_listing(args.paths[0])
    ):
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
        if path and not os.path.isdir(os.path.dirname(path.rstrip(os.sep)) or "."):
            raise UsageError(f"no folder for {path}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.retries < 0 or args.retry_backoff < 0:
        raise UsageError("--retries and --retry-backoff cannot be negative")
    if args.base_url and not any(map(is_listing, args.paths)):
        raise UsageError("--base-url resolves the lines of a listing (NAME.paths, NAME.paths.gz): none given")
    if args.sites and not os.path.isfile(args.sites):
        raise UsageError(f"no such file: {args.sites}")
    if (args.ray or args.split_mb) and not clean_shards.is_folder(args.output):
        raise UsageError("--ray and --split-mb write one shard per input: they need -o FOLDER/")


def _site_filter(args: argparse.Namespace) -> SiteFilter | None:
    """The sites of --site and --sites (`known`: every domain with a site cleaner); None: all sites."""
    if not args.site and not args.sites:
        return None
    entries = [entry for value in args.site for entry in value.split(",") if entry.strip()]
    if args.sites:
        with open(args.sites, encoding="utf-8") as lines:
            entries += [line for line in map(str.strip, lines) if line and not line.startswith("#")]
    if "known" in entries:
        entries = [entry for entry in entries if entry != "known"] + pipeline.domains_with_cleaner()
    try:
        sites = SiteFilter.of(entries)
    except ValueError as error:
        raise UsageError(f"--site: {error}") from error
    if not sites.domains:
        raise UsageError("--site and --sites name no site")
    return sites


def _inputs(args: argparse.Namespace) -> list[str]:
    """The arguments, each listing replaced by the inputs it names."""
    try:
        return list(with_listings(args.paths, args.base_url, _retry(args)))
    except ListingError as error:
        raise UsageError(str(error)) from error


def _retry(args: argparse.Namespace) -> Retry:
    return Retry(args.retries, args.retry_backoff)


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
    sites = _site_filter(args)
    paths = _inputs(args)
    if clean_shards.is_folder(args.output):
        return clean_shards.run(args, paths, sites, _retry(args))
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
        reading = Reading(sites, retry=_retry(args))
        _learn(store, read_pages(paths, url=args.url, outputs=outputs, reading=reading), templates, args.jobs)
    try:
        sink = _open_output(args)
    except WriteError as error:
        print(f"scraper clean: {error}; stopped", file=sys.stderr)
        return WRITE_FAILED
    errors = LineFile(Path(args.errors), append=args.resume) if args.errors else None
    reading = Reading(sites, retry=_retry(args))
    report = Report(sys.stderr.isatty(), reading.counts)
    items = read_pages(paths, sink.done, args.url, outputs, reading, report.skipped_files)
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
            if outcome.error is not None and errors:
                errors.write(error_json(outcome))
            if outcome.lost:
                report.lose(f"{outcome.source}: {outcome.error}")
                continue
            if outcome.error is not None:
                report.message(f"{outcome.source}: {outcome.error}")
            report.count(
                failed=outcome.error is not None,
                fallback=outcome.fallback,
                articles=outcome.article,
                language=outcome.skipped_language,
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
    return report.summary(counts=sites is not None)


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


def error_json(outcome: Outcome) -> bytes:
    return orjson.dumps({"source": outcome.source, "error": outcome.error})
