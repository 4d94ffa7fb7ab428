"""`scraper crawl SITE|URL... [-o FILE]`: the `news` spider for users who never touch Scrapy."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.cli.options import add_body_arguments, add_language_argument
from scraper.dates import normalise_date
from scraper.errors import UsageError, WriteError
from scraper.sinks import format_of
from scraper.sinks.database import DatabaseSink, is_database
from scraper.status import FAILED, LOCKED, WRITE_FAILED

HELP = "crawl sites, sitemaps or feeds into JSON Lines or a database"
DESCRIPTION = """\
Crawl news sites and write their articles, cleaned, as JSON Lines (one article a line; .gz or .zst
compressed by the file's name), or upsert them into an SQLite or PostgreSQL database (--to).
A target is a site with a built-in spider (arabnews, devdiscourse, theweek, naija247news, nknews, or
their domains), or the URL of a sitemap index, sitemap, Google News sitemap, RSS/Atom feed or section page.

Crawls are incremental: the state file remembers the pages fetched and the articles emitted, so the
next crawl re-reads feeds and sitemaps but fetches only new pages (or pages whose lastmod is newer) and
emits only new or changed articles. A crawl that was killed resumes when started again with the same
state. Delete the state file to start afresh.

Safe from cron or a systemd timer: a run locks its state, and a second run on the same state exits at
once. With --redis, workers on any machines share one frontier and one state (see scraper seed); each
worker name runs once at a time.

While it runs, standard error shows pages fetched, articles, skipped, errors, pages/s and the queue: a
line redrawn in place on a terminal, else a line every PROGRESS_INTERVAL seconds (-s PROGRESS_INTERVAL=N).

The summary on standard error separates discovery errors (a sitemap, feed or section page that could not
be read: the articles it lists are missing), article errors (one page each) and skips (seen, unchanged,
older than --since, not articles, not HTML, not in --lang), and ends with the exit status:
   0  complete (also when there was nothing new)
   1  complete, but some article pages failed
   2  usage error
   3  failed: the crawl stopped early, nothing could be fetched, or Redis lost the crawl's data
   4  incomplete: articles known to be missing (a sitemap, feed or start page failed for good)
  74  write failed: the output or the state could not be written (disk full); the message names the
      file, a {run} output keeps its .part name, and the next run resumes
  75  another run holds the lock; nothing was done"""


def add_target_arguments(parser: argparse.ArgumentParser, nargs: str) -> None:
    """What to crawl: shared by `scraper crawl` and `scraper seed`."""
    parser.add_argument("targets", nargs=nargs, metavar="SITE|URL")
    parser.add_argument(
        "--article", action="append", default=[], metavar="REGEX", help="links on section pages to fetch"
    )
    parser.add_argument(
        "--follow", action="append", default=[], metavar="REGEX", help="links on section pages to read"
    )


_UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def _size(text: str) -> int:
    """A size in bytes: 1000000, 500M, 1G."""
    unit = text[-1:].upper()
    digits, factor = (text[:-1], _UNITS.get(unit)) if unit.isalpha() else (text, 1)
    if factor is None or not digits.isdigit() or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 500M, 1G)")
    return int(digits) * factor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, nargs="*")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="append to FILE (default: stdout; .gz or .zst: compressed); with {run} in FILE, each run "
        "writes its own file, named with the run's start time and given its name (from FILE.part) when "
        "the run ends",
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        help="upsert the articles into a database instead: sqlite:///FILE or postgresql://USER@HOST/DB "
        "(tables articles and article_versions, created on first use)",
    )
    parser.add_argument("--since", metavar="DATE", help="skip articles published before DATE (ISO 8601)")
    parser.add_argument(
        "--limit", type=int, default=0, metavar="N", help="stop after N articles (and fetch none past them)"
    )
    parser.add_argument(
        "--state",
        default="crawl-state.sqlite",
        metavar="PATH",
        help="crawl state file (default: %(default)s); ':memory:' for a one-off crawl",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="work on the shared frontier and state in Redis (redis://host:port/db) with other workers; "
        "targets, if any, are seeded (see scraper seed)",
    )
    parser.add_argument(
        "--worker", metavar="NAME", help="this worker's name with --redis (default: the host name)"
    )
    parser.add_argument(
        "--warc",
        metavar="DIR",
        help="archive every response the crawl fetches (with its request) in WARC files in DIR, "
        "so that a better cleaner can re-clean them (scraper clean DIR)",
    )
    parser.add_argument(
        "--warc-max-size",
        type=_size,
        metavar="BYTES",
        help="start a new WARC file past this size (default 1G; K, M, G suffixes)",
    )
    parser.add_argument(
        "--warc-revisits",
        action="store_true",
        help="archive an article page fetched again with an unchanged payload as a revisit record",
    )
    parser.add_argument("--user-agent", metavar="UA", help="identify your crawler (with a contact)")
    add_body_arguments(parser)
    add_language_argument(parser)
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="any Scrapy setting"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log Scrapy's progress")


def _check_output(args: argparse.Namespace) -> None:
    """-o FILE (JSON Lines) or --to DATABASE; a database must be reachable before the crawl starts (its
    schema is created or migrated now)."""
    if args.output and args.to:
        raise UsageError("-o FILE and --to URL exclude each other: one output a crawl")
    if args.to:
        if not is_database(args.to):
            raise UsageError(f"--to {args.to}: not a database URL (sqlite:///FILE, postgresql://...)")
        DatabaseSink(args.to).close()
        return
    args.output = args.output or "-"
    if format_of(args.output) != "jsonl":
        raise UsageError(f"-o {args.output}: the crawl writes JSON Lines (.jsonl, .gz, .zst) or --to DB")


def run(args: argparse.Namespace) -> int:
    # Scrapy loads in a second or so: only when crawling, not for `scraper --help`.
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from spiders.distributed import redis_overrides
    from spiders.news import NewsSpider, find_site, known_sites
    from spiders.runs import finish_outputs, run_output
    from spiders.state import LockError, LockHeld, run_lock
    from spiders.summary import format_summary, summarize

    if args.since and not normalise_date(args.since):
        raise UsageError(f"--since {args.since!r} is not a date")
    if args.warc and os.path.exists(args.warc) and not os.path.isdir(args.warc):
        raise UsageError(f"--warc {args.warc} is not a folder")
    if not args.targets and not args.redis:
        raise UsageError("give a SITE or URL to crawl (or --redis URL to join a shared crawl)")
    try:
        _check_output(args)
    except WriteError as error:  # the database is unreachable, or its disk full
        print(f"scraper crawl: {error}; not crawling", file=sys.stderr)
        return WRITE_FAILED
    urls = [t for t in args.targets if "://" in t]
    sites = {name: find_site(name) for name in args.targets if "://" not in name}
    if unknown := [name for name, site in sites.items() if site is None]:
        known = ", ".join(sorted(known_sites()))
        raise UsageError(f"unknown site {', '.join(unknown)} (known: {known})")

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    overrides: dict[str, Any] = {
        "CRAWL_STATE": args.state,
        "LOG_LEVEL": "INFO" if args.verbose else "WARNING",
    }
    if args.redis:
        overrides.update(redis_overrides(args.redis, args.worker))
    if args.limit:
        overrides["CLOSESPIDER_ITEMCOUNT"] = args.limit
    if args.user_agent:
        overrides["USER_AGENT"] = args.user_agent
    if args.warc:
        overrides["WARC_DIR"] = args.warc
    if args.warc_max_size:
        overrides["WARC_MAX_SIZE"] = args.warc_max_size
    if args.warc_revisits:
        overrides["WARC_REVISITS"] = True
    if args.body != "text":
        overrides["ARTICLE_BODY"] = args.body
    if args.extras:
        overrides["ARTICLE_WITH"] = list(args.extras)
    if args.lang:
        overrides["ARTICLE_LANGUAGES"] = sorted(args.lang)
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--set {pair!r} is not NAME=VALUE")
        overrides[name] = value
    state = overrides["CRAWL_STATE"]  # the part files of a {run} output are named after it
    try:
        lock = run_lock(state)
    except ValueError as error:  # a location no backend reads
        raise UsageError(f"--state {state}: {error}") from None
    if args.to:
        overrides["ARTICLES_DB"] = args.to
    else:
        overrides.setdefault("ARTICLES_FILE", str(run_output(args.output, datetime.now(UTC), state)[0]))
    if overrides.get("ARTICLES_FILE", "-") != "-":  # out/articles-{run}.jsonl from cron, on a fresh machine
        folder = Path(overrides["ARTICLES_FILE"]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot create the folder of -o {args.output}: {error.strerror}") from None
    settings.setdict(overrides, priority="cmdline")

    # Held from before the spider opens the state until the output has its final name.
    try:
        with lock:
            process = CrawlerProcess(settings)
            crawler = process.create_crawler(NewsSpider)
            process.crawl(
                crawler,
                site=",".join(site.name for site in sites.values() if site),
                url=" ".join(urls),
                article=" ".join(args.article),
                follow=" ".join(args.follow),
                since=args.since or "",
            )
            process.start()
            summary = summarize(crawler.stats.get_stats() if crawler.stats else {})
            if summary["status"] != WRITE_FAILED and not args.to:  # else the next run settles it first
                finish_outputs(args.output, state)
    except LockError as error:
        print(f"scraper crawl: {error}; not crawling", file=sys.stderr)
        return LOCKED if isinstance(error, LockHeld) else FAILED
    print(f"scraper crawl: {format_summary(summary)}", file=sys.stderr)
    if summary["write_error"]:
        print(f"scraper crawl: cannot write {summary['write_error']}; stopped", file=sys.stderr)
    return summary["status"]
