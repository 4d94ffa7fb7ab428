"""The crawl summary: what was fetched, emitted and skipped, and the errors by kind. Logged when the
spider closes, written as JSON to CRAWL_SUMMARY if set, and printed by `scraper crawl`."""

from __future__ import annotations

from typing import Any, Self

import orjson
from scrapy import Spider, signals
from scrapy.crawler import Crawler

PREFIX = "crawl/"


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    count = lambda key: int(stats.get(PREFIX + key, 0))  # noqa: E731
    errors = {
        k.removeprefix(f"{PREFIX}errors/"): v for k, v in stats.items() if k.startswith(f"{PREFIX}errors/")
    }
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "articles_emitted": count("articles_emitted"),
        "skipped_seen": count("skipped_seen"),
        "skipped_unchanged": count("skipped_unchanged"),
        "skipped_old": count("skipped_old"),
        "not_articles": count("not_articles"),
        "errors": dict(sorted(errors.items())),
        "finish_reason": stats.get("finish_reason"),
    }


def format_summary(summary: dict[str, Any]) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in summary["errors"].items()) or "none"
    return (
        f"pages fetched {summary['pages_fetched']}, articles emitted {summary['articles_emitted']}, "
        f"skipped as seen {summary['skipped_seen']}, unchanged {summary['skipped_unchanged']}, "
        f"older than --since {summary['skipped_old']}, not articles {summary['not_articles']}; "
        f"errors: {errors}"
    )


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("CRAWL_SUMMARY")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        summary = summarize(stats)
        spider.logger.info("Crawl summary: %s", format_summary(summary))
        if self.path:
            with open(self.path, "wb") as file:
                file.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
