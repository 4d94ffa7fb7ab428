"""`scraper seed --redis URL SITE|URL...`: put sites' start URLs into the shared frontier of a distributed
crawl, where any `scraper crawl --redis URL` worker picks them up."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

from scraper.cli.crawl import add_target_arguments
from scraper.errors import UsageError
from scraper.status import FAILED, OK

HELP = "push sites' start URLs into a distributed crawl's shared queue"
DESCRIPTION = """\
Push the start URLs (sitemaps, feeds, section pages) of the given sites, or the given URLs, into the
shared queue in Redis. Run it from cron as often as the sites should be re-read; workers started with
`scraper crawl --redis URL` (any number, on any machine, started and stopped at any time) fetch them,
follow what they list and emit each article once. Start URLs are fetched again at every seeding; the
articles they list go through the shared duplicate filter and the shared crawl state. Seeding (or
starting a worker) when the frontier is empty, nothing queued and nothing in flight, starts a new
round: the duplicate filter is cleared, so pages whose lastmod changed are fetched again; the crawl
state still skips the rest."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, nargs="+")
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://host:port/db of the crawl")


async def _listed(requests: AsyncIterator[Any]) -> list[Any]:
    return [request async for request in requests]


def run(args: argparse.Namespace) -> int:
    from redis import RedisError
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from spiders.distributed import QUEUE, SharedQueue, frontier, new_round
    from spiders.news import NewsSpider
    from spiders.state.redis import ensure_run_id

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("CRAWL_STATE", ":memory:")  # seeding reads no state: workers decide what to fetch
    try:
        # The spider builds the start requests exactly as a crawl would, site config included.
        spider = NewsSpider.from_crawler(
            Crawler(NewsSpider, settings),
            site=",".join(t for t in args.targets if "://" not in t),
            url=" ".join(t for t in args.targets if "://" in t),
            article=" ".join(args.article),
            follow=" ".join(args.follow),
        )
    except ValueError as error:  # an unknown site
        raise UsageError(str(error)) from error
    requests = asyncio.run(_listed(spider.start()))
    try:
        server, dupefilter = frontier(args.redis)
        ensure_run_id(server)  # a new crawl starts here
        new_round(server, dupefilter)
        shared = SharedQueue(server, spider, QUEUE)
        pushed = sum(shared.push_unseen(request, dupefilter) for request in requests)
    except RedisError as error:
        print(f"scraper seed: Redis at {args.redis}: {error}", file=sys.stderr)
        return FAILED
    print(f"scraper seed: {pushed} start URLs queued, {len(shared)} requests waiting", file=sys.stderr)
    return OK
