"""Scrapy's spider loader for this project (`SPIDER_LOADER_CLASS`): the `news` spider, and one spider per
declared site (`scrapy crawl arabnews`), made from the site's declaration rather than written again."""

from __future__ import annotations

from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from scraper.pipeline import known_sites
from spiders.news import NewsSpider


class SiteSpiderLoader:
    """Implements Scrapy's `SpiderLoaderProtocol`."""

    def __init__(self) -> None:
        self.spiders: dict[str, type[Spider]] = {NewsSpider.name: NewsSpider}
        for site in known_sites().values():
            self.spiders[site.name] = NewsSpider.for_site(site)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls()

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self.spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return list(self.spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, spider in self.spiders.items() if spider.handles_request(request)]
