"""The `news` spider: discovers articles from sitemaps, feeds and section pages and yields the fetched
pages; the item pipeline (`spiders.articles`) cleans them. A site's spider (`scrapy crawl arabnews`) is
this spider with the site's declaration built in (`NewsSpider.for_site`, listed by `spiders.loader`)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from scraper.article import fetch_time
from scraper.dates import normalise_date
from scraper.pipeline import known_sites, outdated
from scraper.site import Site
from spiders import discovery
from spiders.archive import ARCHIVED, FETCHED_AT, archive_worker
from spiders.limit import OverLimit
from spiders.state import NOT_HTML, UNJUDGED, Capture, CrawlState, Verdict, is_newer, location, open_state
from spiders.summary import ARTICLE, DISCOVERY, ROLE, STATE, count_error, kind_of, role_of
from spiders.warc import written_by

# Spider arguments that name start URLs; all are the same to the spider, which reads each URL's kind
# from its content. Several URLs go in one argument, separated by spaces.
START_ARGS = ("sitemap", "feed", "start", "url")


def find_site(name: str) -> Site | None:
    """A site by its spider name or by one of its domains (`arabnews`, `arabnews.com`, `www.arabnews.com`)."""
    sites = known_sites()
    host = name.lower().removeprefix("www.")
    return sites.get(name) or next((s for s in sites.values() if host in s.domains), None)


TOO_LARGE = "too_large"  # over DOWNLOAD_MAXSIZE / SITEMAP_MAXSIZE, compressed or not
_SIZE_LIMIT = re.compile(r"max ?size", re.I)  # in Scrapy's messages for both


def error_kind(failure: Failure) -> str:
    """A short name for why a request failed, for the crawl summary."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    message = str(failure.value)
    if failure.check(IgnoreRequest) and "robots.txt" in message:
        return "robots_txt"
    # Scrapy cancels a download over the size limit, and ignores a response that inflates past it.
    if _SIZE_LIMIT.search(message):
        return TOO_LARGE
    return kind_of(failure.value)


class PageItem(dict[str, Any]):
    """A fetched page on its way to the item pipeline. Scrapy logs an item when a pipeline fails or drops
    it: the page's URL, not its body (megabytes, once per failed page)."""

    def __repr__(self) -> str:
        return f"<page {self.get('url')}>"


class NewsSpider(scrapy.Spider):
    """scrapy crawl news -a sitemap=URL [-a feed=URL] [-a start=URL -a article=REGEX -a follow=REGEX]
    [-a site=NAME[,NAME]] [-a since=DATE]"""

    name = "news"
    site: ClassVar[Site | None] = None  # set in a site's spider
    crawl_state: CrawlState
    state_uri: str

    @classmethod
    def for_site(cls, site: Site) -> type[NewsSpider]:
        """The site's spider: this spider, named after the site, with the site built in."""
        return type(f"{site.name.title()}Spider", (cls,), {"name": site.name, "site": site})

    def __init__(
        self, *, site: str = "", article: str = "", follow: str = "", since: str = "", **kwargs: Any
    ):
        urls = [u for arg in START_ARGS for u in kwargs.pop(arg, "").split()]
        super().__init__(**kwargs)
        named = {n: find_site(n) for n in site.split(",") if n}
        if unknown := [n for n, config in named.items() if config is None]:
            known = ", ".join(sorted(known_sites()))
            raise ValueError(f"unknown site(s): {', '.join(unknown)} (known: {known})")
        self.sites = [s for s in (type(self).site, *named.values()) if s]
        if urls:
            self.sites.append(
                Site("urls", start=tuple(urls), article=tuple(article.split()), follow=tuple(follow.split()))
            )
        self.since = normalise_date(since) if since else None
        if since and not self.since:
            raise ValueError(f"since={since!r} is not a date")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not spider.sites and not settings.get("REDIS_URL"):  # a distributed worker gets them from Redis
            raise ValueError("nothing to crawl: give -a sitemap=URL, feed=URL, start=URL or site=NAME")
        jobdir = settings.get("JOBDIR")
        if jobdir:
            Path(jobdir).mkdir(parents=True, exist_ok=True)
        spider.state_uri = settings.get("CRAWL_STATE") or f"{jobdir or '.'}/crawl-state.sqlite"
        spider.crawl_state = open_state(spider.state_uri)
        spider.sitemap_maxsize = settings.getint("SITEMAP_MAXSIZE")
        crawler.signals.connect(spider.crawl_state.close, scrapy.signals.spider_closed)
        crawler.signals.connect(spider.name_state, scrapy.signals.spider_opened)
        return spider

    def name_state(self) -> None:
        """Where the crawl state is, for the summary (stats exist once the crawl runs, not when `scraper
        seed` builds the start requests)."""
        self.crawler.stats.set_value(STATE, location(self.state_uri))

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"crawl/{key}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self._rejudge():
            yield request
        for site in self.sites:
            for url in site.start:
                yield self._discover(url, site, dont_filter=True)

    def _rejudge(self) -> Iterator[scrapy.Request]:
        """First, the pages to judge again: those archived and not judged yet (a killed run's, or past
        its --limit), and those that cleaners changed since judged "not an article" or left to a
        fallback. From the archive where it has them (`spiders.archive`), else fetched again. All at
        the start, not as the crawl meets them: such pages are rarely listed again."""
        worker = archive_worker(self.settings, self.state_uri)

        def due(verdict: Verdict, capture: Capture | None) -> bool:
            if verdict.verdict != UNJUDGED:
                return outdated(verdict.judges)
            # Another live worker of a distributed crawl may be judging it right now.
            return not self.settings.get("REDIS_URL") or capture is None or written_by(capture.warc, worker)

        for page in self.crawl_state.to_rejudge(due):
            self._count("rejudged")
            site = next((s for s in self.sites if s.owns(page.url)), Site("rejudge"))
            meta: dict[str, Any] = {ROLE: ARTICLE}
            if page.capture:
                meta[ARCHIVED] = (page.capture.warc, page.capture.offset)
            yield scrapy.Request(
                page.url,
                self.parse_article,
                errback=self.failed,
                cb_kwargs={"lastmod": page.lastmod, "site": site},
                meta=meta,
                dont_filter=True,
            )

    def _discover(self, url: str, site: Site, **kwargs: Any) -> scrapy.Request:
        # Requests carry their site's config, so any worker of a distributed crawl can continue them.
        return scrapy.Request(
            url,
            callback=self.parse_start,
            errback=self.failed,
            cb_kwargs={"site": site},
            meta={"download_maxsize": self.sitemap_maxsize, ROLE: DISCOVERY},
            **kwargs,
        )

    def parse_start(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        """A start URL or a child sitemap: read its entries, or its links if it is an HTML page."""
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served without Content-Encoding
            try:
                body = gunzip(body, max_size=self.sitemap_maxsize)
            except _DecompressionMaxSizeExceeded as error:
                self._discovery_failed(response, TOO_LARGE, str(error))
                return
        kind = discovery.sniff(body)
        if kind is discovery.Kind.HTML:
            yield from self.parse_listing(response, site)
            return
        if kind is discovery.Kind.UNKNOWN_XML:
            self._discovery_failed(response, "unknown_xml", "XML that is no sitemap or feed")
            return
        for entry in discovery.entries(body, response.url):
            if kind is discovery.Kind.SITEMAP_INDEX:
                if not is_newer(self.since, entry.lastmod):  # a child sitemap unchanged since --since
                    yield self._discover(entry.url, site)
            else:
                yield from self._candidate(entry.url, entry.lastmod, site)

    def parse_listing(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        for link in discovery.links(response.body, response.url):
            if site.is_listing(link):
                meta = {ROLE: DISCOVERY}
                yield scrapy.Request(
                    link, self.parse_listing, errback=self.failed, cb_kwargs={"site": site}, meta=meta
                )
            elif site.is_article(link):
                yield from self._candidate(link, None, site)

    def _candidate(self, url: str, lastmod: str | None, site: Site) -> Iterator[scrapy.Request]:
        """An article URL: fetched unless older than --since or already fetched at this lastmod."""
        url = discovery.clean_url(url)
        if is_newer(self.since, lastmod):
            self._count("skipped_old")
        elif not self.crawl_state.should_fetch(url, lastmod):
            self._count("skipped_seen")
        else:
            yield scrapy.Request(
                url,
                self.parse_article,
                errback=self.failed,
                cb_kwargs={"lastmod": lastmod, "site": site},
                meta={ROLE: ARTICLE},
            )

    def parse_article(self, response: Response, lastmod: str | None, site: Site) -> Iterator[Any]:
        """Hand the page to the item pipeline; a page that is also a listing has its links read. A PDF or
        picture listed as an article is recorded as fetched and skipped."""
        urls = list(dict.fromkeys([*response.meta.get("redirect_urls", []), response.url]))
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if not discovery.is_html(content_type, response.body):
            self.crawl_state.mark_fetched(urls, lastmod, Verdict(NOT_HTML))
            self._count("skipped_non_html")
            return
        yield PageItem(
            url=response.url,
            urls=urls,
            body=response.body,
            content_type=content_type,
            lastmod=lastmod,
            fetched_at=response.meta.get(FETCHED_AT) or fetch_time(),  # archived: the WARC-Date
        )
        if site.is_listing(response.url):
            yield from self.parse_listing(response, site)

    def failed(self, failure: Failure) -> None:
        """A request failed for good (after its retries). One held back by --limit did not fail."""
        if failure.check(OverLimit):
            return
        count_error(self.crawler, role_of(getattr(failure, "request", None)), error_kind(failure))

    def _discovery_failed(self, response: Response, kind: str, reason: str) -> None:
        self.logger.error("Cannot read %s: %s", response.url, reason)
        count_error(self.crawler, DISCOVERY, kind)
