"""The crawl's article stage, a Scrapy item pipeline: fetched pages in, articles out, through the same
`scraper.extract` as `scraper clean` (the one extraction pipeline, `scraper.pipeline`).

Extraction is CPU work, so it runs in worker processes (`spiders.workers`, one per core by default):
the reactor keeps downloading while pages are cleaned. Then the crawl state decides what is emitted:
pages that are not articles, articles in none of `ARTICLE_LANGUAGES` (when set), articles older than
`since`, and articles already emitted with the same
content (by canonical URL) are dropped; the rest are recorded and, with `ARTICLES_FILE`, appended to
that file (`.gz`, `.zst`: compressed), or with `ARTICLES_DB` (`sqlite:///FILE`, `postgresql://...`)
upserted into that database in batches (see `spiders.jsonl` for how a killed crawl settles both). Every
page judged keeps its verdict in the state, with the cleaners (and versions) that gave it, so that a later
crawl judges it again once they change (`spiders.state.base`).

A write that fails (the output's or the state's disk is full) is no page's failure: every later write
would fail too. The crawl stops with the reason `write_failed`, the error naming the file, and nothing
of the page in the log; the output keeps its `.part` name and the next run settles it.
"""

from __future__ import annotations

import os
from typing import Any, Self, cast

import orjson
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet.task import LoopingCall

from scraper import language
from scraper.errors import ExtractError, WriteError
from scraper.limits import PageTimeout, time_limit
from scraper.pipeline import extract, judges, site_fallback
from scraper.render import check_options
from scraper.sinks.database import DatabaseSink
from spiders.jsonl import Appender, recover
from spiders.news import NewsSpider
from spiders.state import ARTICLE, FALLBACK, NOT_ARTICLE, CrawlState, Verdict, is_newer
from spiders.summary import write_failed
from spiders.workers import WorkerDied, WorkerPool


def extract_page(
    body: bytes,
    url: str,
    content_type: str | None,
    fetched_at: str | None,
    timeout: float,
    body_format: str = "text",
    with_: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Runs in a worker process; a page that takes longer than `timeout` seconds fails."""
    with time_limit(timeout):
        return extract(
            body, url, content_type=content_type, body=body_format, with_=with_, fetched_at=fetched_at
        ).to_dict()


def verdict_of(article: dict[str, Any]) -> Verdict:
    """How the pipeline judged the page, and which cleaners (at which versions) judged it."""
    cleaner = article["cleaner"]
    verdict = FALLBACK if cleaner["fallback_from"] else ARTICLE
    return Verdict(
        verdict if article["is_article"] else NOT_ARTICLE, judges(cleaner["name"], cleaner["fallback_from"])
    )


def _warm_up() -> None:
    """Load the cleaners and trafilatura once per worker, not on its first page. Workers keep the normal
    priority, as `scraper clean`'s do: extraction is what limits a crawl (the scraper's queue stays full),
    and at a lower priority any other busy process on the machine starved it (measured beside one
    CPU-bound process: 107 articles/s at nice 5, 143 at normal priority; on an idle machine, equal)."""
    extract(b"<html><body><p>warm up</p></body></html>")
    language.load()


def _drop(reason: str) -> DropItem:
    return DropItem(reason, log_level="DEBUG")  # drops are routine; the summary counts them


class ArticlePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.workers = settings.getint("EXTRACT_WORKERS") or len(os.sched_getaffinity(0))
        self.timeout = settings.getfloat("EXTRACT_TIMEOUT")
        self.path = settings.get("ARTICLES_FILE")
        self.database_url = settings.get("ARTICLES_DB")
        if self.path and self.database_url:
            raise ValueError("ARTICLES_FILE and ARTICLES_DB are both set: give the crawl one output")
        self.limit = settings.getint("CLOSESPIDER_ITEMCOUNT")  # also enforced here: in-flight items
        self.body = settings.get("ARTICLE_BODY") or "text"
        self.extras = tuple(settings.getlist("ARTICLE_WITH"))
        check_options(self.body, self.extras)
        try:
            self.languages = language.parse_languages(settings.getlist("ARTICLE_LANGUAGES"))
        except ValueError as error:
            raise ValueError(f"ARTICLE_LANGUAGES: {error}") from None
        self.emitted = 0
        self.pool: WorkerPool | None = None
        self.out: Appender | None = None
        self.database: DatabaseSink | None = None
        self.timer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> NewsSpider:
        return cast(NewsSpider, self.crawler.spider)

    @property
    def state(self) -> CrawlState:
        return self.spider.crawl_state

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"crawl/{key}")

    def open_spider(self) -> None:
        if self.database_url:
            settings = self.crawler.settings
            self.database = DatabaseSink(
                self.database_url,
                on_commit=self._confirm,
                batch_rows=settings.getint("ARTICLES_DB_BATCH_ROWS"),
                batch_seconds=settings.getfloat("ARTICLES_DB_BATCH_SECONDS"),
            )
            self.timer = LoopingCall(self._commit_if_due)
            self.timer.start(min(self.database.batch_seconds, 1.0), now=False)
        confirmed, forgotten = recover(self.state, database=self.database)
        self.crawler.stats.set_value("crawl/resumed_lines", confirmed + forgotten)
        self.pool = WorkerPool(self.workers, extract_page, _warm_up)
        self.out = Appender(self.path) if self.path else None

    def close_spider(self) -> None:
        if self.pool:
            self.pool.close()
        if self.out:
            self.out.close()
        if self.timer and self.timer.running:
            self.timer.stop()
        if self.database:
            try:
                self.database.finish()
            except WriteError as error:  # the last batch stays pending: the next run settles it
                write_failed(self.crawler, error)
            self.database.close()

    def _confirm(self, keys: list[str]) -> None:
        """A batch reached the database."""
        for key in keys:
            self.state.end_emit(key)

    def _commit_if_due(self) -> None:
        """On a timer: a slow crawl's articles reach the database within about `batch_seconds`."""
        assert self.database is not None
        try:
            self.database.commit_if_due()
        except WriteError as error:
            write_failed(self.crawler, error)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._process(item)
        except WriteError as error:
            write_failed(self.crawler, error)
            raise _drop(f"{item['url']}: not recorded ({error})") from error

    async def _process(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.pool is not None
        try:
            article = await self.pool.run(
                item["body"],
                item["url"],
                item["content_type"],
                item["fetched_at"],
                self.timeout,
                self.body,
                self.extras,
            )
        except PageTimeout as error:
            self._count("errors/article/extract_timeout")
            raise _drop(f"{item['url']}: {error}") from error
        except ExtractError as error:
            self._count("errors/article/extract")
            raise _drop(f"{item['url']}: {error}") from error
        except WorkerDied as error:  # e.g. a parser crash on this page
            self._count("errors/article/extract_crash")
            raise _drop(f"{item['url']}: {error}") from error
        urls, lastmod = item["urls"], item["lastmod"]
        if fallback := site_fallback(article["site"], article["cleaner"]["fallback_from"]):
            self._count(f"cleaner_fallback/{fallback}")
        since, verdict = self.spider.since, verdict_of(article)
        if not article["is_article"]:
            self.state.mark_fetched(urls, lastmod, verdict)
            self._count("not_articles")
            raise _drop(f"not an article: {item['url']}")
        if not language.kept(article["language"], self.languages):
            self.state.mark_fetched(urls, lastmod, verdict)
            self._count("skipped_language")
            raise _drop(f"language {article['language']} not in ARTICLE_LANGUAGES: {item['url']}")
        if is_newer(since, article["published"]):
            self.state.mark_fetched(urls, lastmod, verdict)
            self._count("skipped_old")
            raise _drop(f"published before {since}: {item['url']}")
        key = article["canonical_url"] or article["url"]
        if not self.state.is_new(key, article["content_hash"]):
            self.state.mark_fetched(urls, lastmod, verdict)
            self._count("skipped_unchanged")
            raise _drop(f"already emitted: {key}")
        if self.limit and self.emitted >= self.limit:
            # Not recorded: a later crawl gets it (from the archive, where the crawl keeps one).
            raise _drop(f"over the limit of {self.limit}: {key}")
        if not self._emit(key, article, urls, lastmod, verdict):
            self._count("skipped_unchanged")
            raise _drop(f"emitted by another worker: {key}")
        return article

    def _emit(
        self, key: str, article: dict[str, Any], urls: list[str], lastmod: str | None, verdict: Verdict
    ) -> bool:
        """Record, write, confirm: no await in between, so concurrent items cannot interleave. False if
        another worker sharing the state recorded this content first (a request done twice). An article
        for the database is confirmed when its batch is committed."""
        record, content_hash = orjson.dumps(article), article["content_hash"]
        if self.database:
            if not self.state.begin_emit(key, content_hash, urls, lastmod, self.database.name, 0, 0, verdict):
                return False
            self.database.write(article["url"], record)
        else:
            block = self.out.encode(record + b"\n") if self.out else b""
            output = self.out.path if self.out else None
            offset = self.out.offset() if self.out else 0
            if not self.state.begin_emit(
                key, content_hash, urls, lastmod, output, offset, len(block), verdict
            ):
                return False
            if self.out:
                self.out.write(block)
                if output:
                    self.state.end_emit(key)
        self.emitted += 1
        self._count("articles_emitted")
        return True
