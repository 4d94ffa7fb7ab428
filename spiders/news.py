"""The `news` spider: discovers articles from sitemaps, feeds and section pages and yields the fetched
pages; the item pipeline (`spiders.pipelines`) cleans them. Site spiders (`spiders.sites`) are this spider
with one `Site` built in."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from scraper.metadata import normalise_date
from scraper.state import CrawlState, is_newer, open_state
from spiders import discovery
from spiders.site import Site

# Spider arguments that name start URLs; all are the same to the spider, which reads each URL's kind
# from its content. Several URLs go in one argument, separated by spaces.
START_ARGS = ("sitemap", "feed", "start", "url")

SITES: dict[str, Site] = {}  # filled by the site spiders as they are defined


def known_sites() -> dict[str, Site]:
    """Every site config in `spiders.sites` (one module per site), by name."""
    package = importlib.import_module("spiders.sites")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return SITES


def find_site(name: str) -> Site | None:
    """A site by its spider name or by one of its domains (`arabnews`, `arabnews.com`, `www.arabnews.com`)."""
    sites = known_sites()
    host = name.lower().removeprefix("www.")
    return sites.get(name) or next((s for s in sites.values() if host in s.domains), None)


def error_kind(failure: Failure) -> str:
    """A short name for why a request failed, for the crawl summary."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
        return "robots_txt"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(failure.value).__name__).lower()


class NewsSpider(scrapy.Spider):
    """scrapy crawl news -a sitemap=URL [-a feed=URL] [-a start=URL -a article=REGEX -a follow=REGEX]
    [-a site=NAME[,NAME]] [-a since=DATE]"""

    name = "news"
    site: ClassVar[Site | None] = None  # set by site spiders
    crawl_state: CrawlState

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.site:
            cls.name = cls.site.name
            SITES[cls.site.name] = cls.site

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
            self.sites.append(Site("urls", tuple(urls), tuple(article.split()), tuple(follow.split())))
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
        spider.crawl_state = open_state(settings.get("CRAWL_STATE") or f"{jobdir or '.'}/crawl-state.sqlite")
        spider.sitemap_maxsize = settings.getint("SITEMAP_MAXSIZE")
        crawler.signals.connect(spider.crawl_state.close, scrapy.signals.spider_closed)
        return spider

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"crawl/{key}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            for url in site.start:
                yield self._discover(url, site, dont_filter=True)

    def _discover(self, url: str, site: Site, **kwargs: Any) -> scrapy.Request:
        # Requests carry their site's config, so any worker of a distributed crawl can continue them.
        return scrapy.Request(
            url,
            callback=self.parse_start,
            errback=self.failed,
            cb_kwargs={"site": site},
            meta={"download_maxsize": self.sitemap_maxsize},
            **kwargs,
        )

    def parse_start(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        """A start URL or a child sitemap: read its entries, or its links if it is an HTML page."""
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served without Content-Encoding
            body = gunzip(body, max_size=self.sitemap_maxsize)
        kind = discovery.sniff(body)
        if kind is discovery.Kind.HTML:
            yield from self.parse_listing(response, site)
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
                yield scrapy.Request(link, self.parse_listing, errback=self.failed, cb_kwargs={"site": site})
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
                url, self.parse_article, errback=self.failed, cb_kwargs={"lastmod": lastmod, "site": site}
            )

    def parse_article(self, response: Response, lastmod: str | None, site: Site) -> Iterator[Any]:
        """Hand the page to the item pipeline; a page that is also a listing has its links read."""
        redirected = response.meta.get("redirect_urls", [])
        yield {
            "url": response.url,
            "urls": list(dict.fromkeys([*redirected, response.url])),
            "body": response.body,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "lastmod": lastmod,
        }
        if site.is_listing(response.url):
            yield from self.parse_listing(response, site)

    def failed(self, failure: Failure) -> None:
        self._count(f"errors/{error_kind(failure)}")
