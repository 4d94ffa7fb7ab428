"""The crawl summary, and the counting that feeds it.

Every failure on the crawl path lands in a counted kind, in one of two groups by the role of the request
that failed: `discovery` (start URLs, sitemaps, feeds, section pages: when one fails, the articles it
lists are missing) and `article` (one page each). Skips (seen, unchanged, older than --since, not
articles, not HTML) are counted apart: they lose nothing. Stats keys are `crawl/errors/<group>/<kind>`
and `crawl/<skip>`; this extension also counts what no callback sees: exceptions in callbacks and item
pipelines, and requests dropped by the duplicate filter because they redirect back to themselves.

The summary is logged when the spider closes, written as JSON to CRAWL_SUMMARY if set, and printed by
`scraper crawl`; its `status` is the crawl's exit status (`scraper.status`).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Self

import orjson
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from scraper.errors import WriteError
from scraper.status import FAILED, INCOMPLETE, MEANING, OK, PARTIAL, WRITE_FAILED

logger = logging.getLogger(__name__)

PREFIX = "crawl/"
DISCOVERY, ARTICLE = "discovery", "article"  # the roles of requests, and the error groups
ROLE = "role"  # the request meta key that holds its role
SKIPS = (
    "skipped_seen",
    "skipped_unchanged",
    "skipped_old",
    "not_articles",
    "skipped_non_html",
    "skipped_language",
)
STATE = PREFIX + "state"  # where the crawl state is (a path, or a URI without its password)
WRITE_ERROR = PREFIX + "write_error"  # "FILE: reason" of the write that stopped the crawl
FALLBACK = PREFIX + "cleaner_fallback/"  # + site: pages its site cleaner left to the generic one
# Finish reasons of a crawl that ran to its end (all its requests done, or its --limit reached).
FINISHED = ("finished", "closespider_itemcount")
WRITE_FAILED_REASON = "write_failed"  # the crawl stopped because a write failed


def role_of(request: Request | None) -> str:
    """A request's role; one that carries none (none of ours) counts as discovery, the safe side."""
    return request.meta.get(ROLE, DISCOVERY) if request is not None else DISCOVERY


def kind_of(error: BaseException) -> str:
    """A short name for an exception type: ConnectionRefusedError -> connection_refused_error."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", type(error).__name__).strip("_").lower()


def count_error(crawler: Crawler, role: str, kind: str) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"{PREFIX}errors/{role}/{kind}")


def write_failed(crawler: Crawler, error: WriteError) -> None:
    """Stop the crawl on the first failed write (the output, the state or the archive: every later write
    would fail too); what is still in flight fails the same way, and the next run resumes."""
    stats = crawler.stats
    assert stats is not None and crawler.engine is not None
    if stats.get_value(WRITE_ERROR) is None:
        stats.set_value(WRITE_ERROR, f"{error.path}: {error.reason}")
        logger.error("%s: stopping the crawl", error)
        deferred_from_coro(crawler.engine.close_spider_async(reason=WRITE_FAILED_REASON))


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    def errors(group: str) -> dict[str, int]:
        prefix = f"{PREFIX}errors/{group}/"
        return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    summary: dict[str, Any] = {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "articles_emitted": int(stats.get(PREFIX + "articles_emitted", 0)),
        **{skip: int(stats.get(PREFIX + skip, 0)) for skip in SKIPS},
        "errors": {DISCOVERY: errors(DISCOVERY), ARTICLE: errors(ARTICLE)},
        "reclaimed": int(stats.get(PREFIX + "reclaimed", 0)),
        # pages judged again (not judged yet, or by cleaners changed since), how many of them from the
        # archive, and revisit records written for unchanged pages
        "rejudged": int(stats.get(PREFIX + "rejudged", 0)),
        "from_archive": int(stats.get(PREFIX + "from_archive", 0)),
        "revisits": int(stats.get(PREFIX + "revisits", 0)),
        # site -> pages its own cleaner could not clean (the generic one did): a site changed its markup
        "cleaner_fallbacks": {
            k.removeprefix(FALLBACK): v for k, v in sorted(stats.items()) if k.startswith(FALLBACK)
        },
        "write_error": stats.get(WRITE_ERROR),
        "state": stats.get(STATE),
        "finish_reason": stats.get("finish_reason"),
    }
    summary["status"] = crawl_status(summary)
    return summary


def crawl_status(summary: dict[str, Any]) -> int:
    """The exit status of a crawl from its summary (`scraper.status` names them)."""
    reason, errors = summary["finish_reason"], summary["errors"]
    if reason == WRITE_FAILED_REASON or summary["write_error"]:  # also the last batch, at the close
        return WRITE_FAILED
    failures = errors["discovery"] or errors["article"]
    if reason not in FINISHED or (failures and not summary["pages_fetched"]):
        return FAILED
    if errors["discovery"]:
        return INCOMPLETE
    return PARTIAL if errors["article"] else OK


def _kinds(errors: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in errors.items()) or "none"


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as one line (the JSON summary holds the same figures)."""
    errors = summary["errors"]
    parts = [
        f"pages fetched {summary['pages_fetched']}, articles emitted {summary['articles_emitted']}",
        f"skipped: seen {summary['skipped_seen']}, unchanged {summary['skipped_unchanged']}, "
        f"older than --since {summary['skipped_old']}, not articles {summary['not_articles']}, "
        f"not HTML {summary['skipped_non_html']}, not in --lang {summary['skipped_language']}",
        *(
            [f"{known} pages skipped as fetched or emitted before; state: {summary['state']}"]
            if (known := summary["skipped_seen"] + summary["skipped_unchanged"])
            else []
        ),
        f"discovery errors: {_kinds(errors[DISCOVERY])}",
        f"article errors: {_kinds(errors[ARTICLE])}",
    ]
    if summary["reclaimed"]:
        parts.append(f"reclaimed from dead workers: {summary['reclaimed']} requests")
    if summary["rejudged"]:
        archived = summary["from_archive"]
        parts.append(f"judged again: {summary['rejudged']} pages ({archived} from the archive)")
    if summary["revisits"]:
        parts.append(f"unchanged pages archived as revisits: {summary['revisits']}")
    if summary["cleaner_fallbacks"]:
        parts.append(
            f"site cleaners that fell back to the generic one: {_kinds(summary['cleaner_fallbacks'])}"
        )
    if summary["write_error"]:
        parts.append(f"write failed: {summary['write_error']}")
    status = summary["status"]
    parts.append(f"finish: {summary['finish_reason']}; exit {status} ({MEANING[status]})")
    return "; ".join(parts)


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("CRAWL_SUMMARY")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_error(self, failure: Failure, response: Response | Failure | None) -> None:
        """A callback raised (Scrapy has logged the traceback): the page's links or article are lost."""
        request = response.request if isinstance(response, Response) else None
        count_error(self.crawler, role_of(request), kind_of(failure.value))

    def item_error(self, failure: Failure) -> None:
        """An item pipeline raised something other than DropItem: that article is lost."""
        count_error(self.crawler, ARTICLE, kind_of(failure.value))

    def request_dropped(self, request: Request) -> None:
        """The duplicate filter drops a request that redirects back to a URL of its own redirect chain:
        a redirect loop, whose page is never fetched. (A redirect to a page fetched by another request is
        a plain duplicate, not a loss.)"""
        if request.url in request.meta.get("redirect_urls", ()):
            logger.warning("Redirect loop: %s", " -> ".join([*request.meta["redirect_urls"], request.url]))
            count_error(self.crawler, role_of(request), "redirect_loop")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        summary = summarize(stats)
        spider.logger.info("Crawl summary: %s", format_summary(summary))
        if self.path:
            with open(self.path, "wb") as file:
                file.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
