"""What a crawl is doing while it runs, which can be minutes or hours: pages fetched, articles emitted,
pages skipped, errors, pages per second and requests queued, from the same counts as the summary.

On a terminal (standard error one, and the articles not written to it) the figures are one line redrawn
in place, as `scraper clean` draws its own, cleared before each log message and when the crawl ends.
Elsewhere (cron, systemd, a pipe) they are printed as a line every PROGRESS_INTERVAL seconds (0: none).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from spiders.summary import ARTICLE, DISCOVERY, SKIPS, summarize

REDRAW = 0.5  # seconds between two drawings of the line on a terminal
CLEAR = "\r\x1b[K"  # back to the start of the line, and erase it


class CrawlProgress:
    def __init__(self, crawler: Crawler, live: bool, interval: float) -> None:
        self.crawler = crawler
        self.live = live
        self.started = time.monotonic()
        self.loop = LoopingCall(self.show)
        self.period = REDRAW if live else interval
        self.drawn = False
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        articles_to_terminal = crawler.settings.get("ARTICLES_FILE") == "-" and sys.stdout.isatty()
        live = sys.stderr.isatty() and not articles_to_terminal
        if not live and interval <= 0:
            raise NotConfigured
        return cls(crawler, live, interval)

    def line(self) -> str:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        summary = summarize(stats)
        fetched = summary["pages_fetched"]
        skipped = sum(summary[skip] for skip in SKIPS)
        errors = sum(sum(summary["errors"][group].values()) for group in (DISCOVERY, ARTICLE))
        queued = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
        rate = fetched / max(time.monotonic() - self.started, 1e-9)
        return (
            f"{fetched:,} pages fetched  {summary['articles_emitted']:,} articles  {skipped:,} skipped  "
            f"{errors:,} errors  {rate:,.1f} pages/s  {queued:,} queued"
        )

    def show(self) -> None:
        if self.live:
            sys.stderr.write(CLEAR + self.line())
            self.drawn = True
        else:
            sys.stderr.write(f"crawl progress: {self.line()}\n")
        sys.stderr.flush()

    def _erase(self) -> None:
        if self.drawn:
            sys.stderr.write(CLEAR)
            self.drawn = False

    def _before_log(self, record: logging.LogRecord) -> bool:
        """A log filter: a message goes on a line of its own; the next drawing puts the figures back."""
        self._erase()
        return True

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        if self.live:
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._before_log)
        self.loop.start(self.period, now=self.live)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.live:
            self.show()  # the last figures, then the line is left to the summary
            self._erase()
            sys.stderr.flush()
            for handler in logging.getLogger().handlers:
                handler.removeFilter(self._before_log)
