"""`scraper clean --site`: which records to keep, decided from a record's URL alone, before its page is
read. Dumps such as CC-NEWS hold pages of tens of thousands of sites; a run for a few of them skips the
rest at the cost of reading their WARC headers, without decoding or parsing their HTML."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit


def domain_of(entry: str) -> str:
    """A `--site` entry as a domain: `https://www.arabnews.com/`, `www.arabnews.com` and `arabnews.com`
    all mean arabnews.com. Raises `ValueError` for an entry that names no domain."""
    entry = entry.strip().lower()
    host = urlsplit(entry if "//" in entry else f"//{entry}").hostname or ""
    host = host.rstrip(".").removeprefix("www.")
    if "." not in host:
        raise ValueError(f"not a domain: {entry!r}")
    return host


@dataclass(frozen=True, slots=True)
class SiteFilter:
    """Keeps the URLs whose host is one of `domains` or a subdomain of one (`arabnews.com` keeps
    `www.arabnews.com` and `m.arabnews.com`, not `notarabnews.com`)."""

    domains: frozenset[str]

    @classmethod
    def of(cls, entries: Iterable[str]) -> SiteFilter:
        return cls(frozenset(map(domain_of, entries)))

    def keeps(self, url: str | None) -> bool:
        """Whether the page at `url` is on one of the sites; a page without a URL is on none. A walk up
        the host's labels (a few set look-ups) instead of a public-suffix parse: this runs on every
        record of a dump."""
        if not url:
            return False
        try:
            host = urlsplit(url).hostname
        except ValueError:  # a malformed address (an unclosed IPv6 bracket)
            return False
        while host:
            if host in self.domains:
                return True
            host = host.partition(".")[2]
        return False
