"""Scrapy's duplicate-request filter, kept in memory even with a JOBDIR.

Scrapy's filter writes a request to JOBDIR/requests.seen when it is scheduled, not when it is done: after
a SIGKILL the requests that were queued or in flight would stay filtered out in every later run, and
their articles would be lost. The crawl state (`spiders.state`) records pages when they are done and
carries the dedupe from one run to the next instead."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        debug = crawler.settings.getbool("DUPEFILTER_DEBUG")
        return cls(None, debug, fingerprinter=crawler.request_fingerprinter)
