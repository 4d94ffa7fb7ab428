"""Downloader middlewares. Retries that wait: Scrapy's RetryMiddleware (429 and 5xx, network errors)
retries at once, which is what a struggling server does not need. This one waits for the server's
Retry-After, or backs off exponentially (RETRY_BACKOFF_BASE * 2**n seconds), capped at
RETRY_BACKOFF_MAX. And robots.txt failures logged in one line."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from time import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import robotstxt
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings


def retry_after(response: Response) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX")

    def _delay(self, retry: Request, response: Response | None) -> float:
        backoff = self.base * 2 ** (retry.meta.get("retry_times", 1) - 1)
        asked = retry_after(response) if response is not None else None
        return min(self.cap, asked if asked is not None else backoff)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            # The wait holds one of the crawl's concurrent slots, which is the point: it slows the crawl.
            await asyncio.sleep(self._delay(result, response))
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self._delay(result, None))
        return result


def _one_line(record: logging.LogRecord) -> bool:
    record.exc_info = record.exc_text = None
    return True


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's, but a robots.txt that cannot be fetched is logged in one line, not with a traceback:
    with no network every site's fails, an expected failure (the pages it costs are in the summary)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        logging.getLogger(robotstxt.__name__).addFilter(_one_line)
