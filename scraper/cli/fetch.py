"""`scraper fetch URL...`: fetch pages once with httpx and print their articles as JSON Lines."""

from __future__ import annotations

import argparse
import sys

import httpx

from scraper.identity import USER_AGENT
from scraper.pipeline import extract
from scraper.status import OK, PARTIAL

HELP = "fetch pages over HTTP and print their articles (JSON Lines)"
DESCRIPTION = """\
Fetch pages once with httpx and print their articles as JSON Lines, one a line. Exit status: 0 every
URL gave an article, 1 some failed (each named on standard error)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("--user-agent", default=USER_AGENT, help="User-Agent header (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default: 30)")


def run(args: argparse.Namespace) -> int:
    failed = 0
    headers = {"User-Agent": args.user_agent}
    with httpx.Client(follow_redirects=True, timeout=args.timeout, headers=headers) as client:
        for url in args.urls:
            try:
                response = client.get(url)
                response.raise_for_status()
                article = extract(
                    response.content, str(response.url), content_type=response.headers.get("content-type")
                )
            except Exception as exc:  # one bad URL never stops the others
                failed += 1
                print(f"scraper fetch: {url}: {exc}", file=sys.stderr)
                continue
            sys.stdout.buffer.write(article.to_json() + b"\n")
            sys.stdout.flush()
    if failed:
        print(f"scraper fetch: {failed} of {len(args.urls)} URLs failed", file=sys.stderr)
    return PARTIAL if failed else OK
