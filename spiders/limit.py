"""`--limit N` (`CLOSESPIDER_ITEMCOUNT`) without fetching far past N: a downloader middleware lets an
article request go only while the articles emitted plus the article requests in flight stay under N.

Scrapy closes the spider once N items are scraped, but by then the scheduler has handed dozens of
article requests to the downloader (32 at a time) and the workers: they were fetched for nothing. Here
an article request waits before its download until one in flight is settled: emitted or dropped by the
item pipeline, or failed, or no page for it (not HTML, an HTTP error, a duplicate). Once N are emitted the
waiting ones are let go as `OverLimit` (not an error: a later crawl fetches them). A retry or a redirect
carries its request's token, so it is the same request in flight, not a new one."""

from __future__ import annotations

import asyncio
import itertools
from contextlib import suppress
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from spiders.discovery import is_html
from spiders.summary import ARTICLE, PREFIX, ROLE, WRITE_ERROR

TOKEN = "limit_token"  # request meta: the in-flight token of an article request let through
_RECHECK = 1.0  # seconds: a waiting request also notices a crawl that stops for another reason


class OverLimit(IgnoreRequest):
    """An article request not fetched because the limit was reached."""


class ArticleLimitMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.limit = crawler.settings.getint("CLOSESPIDER_ITEMCOUNT")
        if not self.limit:
            raise NotConfigured
        self.crawler = crawler
        self.in_flight: set[int] = set()
        self.tokens = itertools.count()
        self.settled = asyncio.Event()
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error, signals.spider_error):
            crawler.signals.connect(self._item_done, signal)
        crawler.signals.connect(self._request_dropped, signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _emitted(self) -> int:
        assert self.crawler.stats is not None
        return int(self.crawler.stats.get_value(PREFIX + "articles_emitted", 0))

    def _stopping(self) -> bool:
        """The limit is reached, or the crawl stops for another reason (Ctrl-C, a failed write)."""
        engine, stats = self.crawler.engine, self.crawler.stats
        assert engine is not None and stats is not None
        return self._emitted() >= self.limit or not engine.running or bool(stats.get_value(WRITE_ERROR))

    async def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) != ARTICLE or TOKEN in request.meta:
            return  # discovery, or a retry or redirect of a request already in flight
        while self._emitted() + len(self.in_flight) >= self.limit:
            if self._stopping():
                raise OverLimit(f"not fetched, the limit of {self.limit} articles is reached: {request.url}")
            self.settled.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.settled.wait(), _RECHECK)
        request.meta[TOKEN] = token = next(self.tokens)
        self.in_flight.add(token)

    def process_response(self, request: Request, response: Response) -> Response:
        """A page the spider hands to the item pipeline stays in flight until the pipeline is done."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if not (200 <= response.status < 300 and is_html(content_type, response.body)):
            self._settle(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._settle(request)

    def _item_done(self, response: Any = None) -> None:
        self._settle(getattr(response, "request", None))

    def _request_dropped(self, request: Request) -> None:
        self._settle(request)

    def _settle(self, request: Request | None) -> None:
        if request is not None and (token := request.meta.get(TOKEN)) is not None:
            self.in_flight.discard(token)
            self.settled.set()
