"""One news site, declared once: its name, its domains and where a crawl starts. The site's module in
`cleaners/` declares it (`SITE = Site(...)`), beside its cleaner, and both the cleaner (which pages are
the site's) and the site's spider (where to start, which links to follow) read that declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Site:
    """A site. Patterns are regular expressions searched in a URL's path and query (not its host, so a
    declaration also works for a mirror or a local copy).

    name:    the site's name: `scrapy crawl NAME`, `scraper crawl NAME`, the cleaner's name.
    domains: hosts (with their subdomains) whose pages and links are the site's; empty means the start
             URLs' hosts (a crawl of URLs given on the command line).
    start:   sitemap indexes, sitemaps, Google News sitemaps, RSS/Atom feeds or section pages; each is
             recognised by its content. Sitemap and feed entries are fetched as article candidates.
    article: links on HTML start pages that are article candidates; empty means every same-site link.
    follow:  links on HTML pages that are listing pages whose links are read in turn (pagination, sections).
    """

    name: str
    domains: tuple[str, ...] = ()
    start: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()

    @cached_property
    def _article(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in self.article)) if self.article else None

    @cached_property
    def _follow(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in self.follow)) if self.follow else None

    @cached_property
    def hosts(self) -> tuple[str, ...]:
        return self.domains or tuple(dict.fromkeys(urlsplit(u).hostname or "" for u in self.start))

    def owns(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith(f".{d}") for d in self.hosts)

    def is_article(self, url: str) -> bool:
        return self.owns(url) and (self._article is None or bool(self._article.search(_path(url))))

    def is_listing(self, url: str) -> bool:
        return self.owns(url) and self._follow is not None and bool(self._follow.search(_path(url)))
