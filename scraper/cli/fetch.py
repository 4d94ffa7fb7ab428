"""`scraper fetch URL...`: fetch pages once with httpx and write their articles as JSON Lines."""

from __future__ import annotations

import argparse
import os
import sys

import httpx

from scraper.article import fetch_time
from scraper.cli.options import add_body_arguments
from scraper.errors import UsageError, WriteError
from scraper.identity import USER_AGENT
from scraper.pipeline import extract
from scraper.sinks import open_sink
from scraper.status import OK, PARTIAL, WRITE_FAILED

HELP = "fetch pages over HTTP and print their articles (JSON Lines)"
DESCRIPTION = """\
Fetch each URL once with httpx (following redirects), clean it with the pipeline `scraper clean` and the
crawls use, and write its article as one JSON line, to standard output or to -o FILE, as scraper clean
writes it (format and compression by its name: .jsonl, .jsonl.gz, .csv, .parquet...; replaced whole when
the run ends, never half-written; the URL of each article kept beside it). A page that is no article (a
home page, a section front, an error page) is left out, as crawls leave it out, and named on standard
error. Exit status: 0 every URL was fetched and cleaned, 1 some failed (each named on standard error),
2 usage error, 74 the output could not be written."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically, format by its name), not stdout"
    )
    parser.add_argument("--user-agent", default=USER_AGENT, help="User-Agent header (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default: 30)")
    add_body_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.output and not os.path.isdir(os.path.dirname(args.output) or "."):
        raise UsageError(f"no folder for {args.output}")
    sink = open_sink(args.output)
    failed = 0
    headers = {"User-Agent": args.user_agent}
    try:
        with httpx.Client(follow_redirects=True, timeout=args.timeout, headers=headers) as client:
            for url in args.urls:
                try:
                    response = client.get(url)
                    response.raise_for_status()
                    article = extract(
                        response.content,
                        str(response.url),
                        content_type=response.headers.get("content-type"),
                        fetched_at=fetch_time(),
                        body=args.body,
                        with_=args.extras,
                    )
                except Exception as exc:  # one bad URL never stops the others
                    failed += 1
                    print(f"scraper fetch: {url}: {exc}", file=sys.stderr)
                    continue
                if not article.is_article:
                    print(f"scraper fetch: {url}: not an article, left out", file=sys.stderr)
                    continue
                sink.write(url, article.to_json())
        sink.finish()
    except WriteError as error:
        print(f"scraper fetch: {error}; stopped", file=sys.stderr)
        return WRITE_FAILED
    finally:
        sink.close()
    if failed:
        print(f"scraper fetch: {failed} of {len(args.urls)} URLs failed", file=sys.stderr)
    return PARTIAL if failed else OK
