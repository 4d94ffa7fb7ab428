"""The crawl state in Redis, shared by every worker of a distributed crawl (`redis://host:port/db`).

Pages and articles are shared; pending emits are kept per worker (`?worker=NAME`, default the host
name), because only the worker that wrote a line can check its own output file after a kill.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from scraper.state import BACKENDS, Pending, is_newer, now

PREFIX = "scraper:"
PAGES = PREFIX + "pages"  # url -> lastmod (or fetch time)
ARTICLES = PREFIX + "articles"  # canonical key -> content hash
ARTICLE_URLS = PREFIX + "article-urls"  # canonical key -> its page URLs, one a line


def pending_key(worker: str) -> str:
    return f"{PREFIX}pending:{worker}"


def split_url(uri: str) -> tuple[str, str]:
    """The Redis URL without our own `worker` parameter, and the worker name."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query)
    worker = next((v for k, v in query if k == "worker"), None) or socket.gethostname()
    rest = urlencode([(k, v) for k, v in query if k != "worker"])
    return urlunsplit(parts._replace(query=rest)), worker


# Retries with backoff ride out a Redis restart of some seconds (about 15); a longer outage raises.
CONNECTION: dict[str, Any] = {
    "socket_timeout": 30,
    "retry": Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=10),
    "retry_on_error": [redis.ConnectionError, redis.TimeoutError],
}


def state_uri(url: str, worker: str) -> str:
    """The crawl-state URI of one worker of the crawl at `url` (what `split_url` takes apart)."""
    return f"{url}{'&' if '?' in url else '?'}worker={quote(worker)}"


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **CONNECTION)


class RedisState:
    def __init__(self, uri: str) -> None:
        url, self.worker = split_url(uri)
        self.db = connect(url)
        self.db.ping()
        self.pending_key = pending_key(self.worker)

    def should_fetch(self, url: str, lastmod: str | None) -> bool:
        seen = self.db.hget(PAGES, url)
        return seen is None or is_newer(lastmod, seen.decode())

    def mark_fetched(self, urls: list[str], lastmod: str | None) -> None:
        # Without a lastmod from the sitemap or feed, the fetch time stands in for it.
        self.db.hset(PAGES, mapping=dict.fromkeys(urls, lastmod or now()))

    def is_new(self, key: str, content_hash: str) -> bool:
        return self.db.hget(ARTICLES, key) != content_hash.encode()

    def begin_emit(
        self,
        key: str,
        content_hash: str,
        urls: list[str],
        lastmod: str | None,
        output: str | None,
        offset: int,
        length: int,
    ) -> None:
        with self.db.pipeline() as tx:  # MULTI/EXEC: all or nothing
            tx.hset(PAGES, mapping=dict.fromkeys(urls, lastmod or now()))
            tx.hset(ARTICLES, key, content_hash)
            tx.hset(ARTICLE_URLS, key, "\n".join(urls))
            if output:
                tx.hset(self.pending_key, key, orjson.dumps([content_hash, output, offset, length]))
            tx.execute()

    def end_emit(self, key: str) -> None:
        self.db.hdel(self.pending_key, key)

    def pending(self) -> Iterator[Pending]:
        for key, value in self.db.hgetall(self.pending_key).items():
            yield Pending(key.decode(), *orjson.loads(value))

    def forget(self, key: str) -> None:
        urls = self.db.hget(ARTICLE_URLS, key)
        with self.db.pipeline() as tx:
            if urls:
                tx.hdel(PAGES, *urls.decode().split("\n"))
            tx.hdel(ARTICLES, key)
            tx.hdel(ARTICLE_URLS, key)
            tx.hdel(self.pending_key, key)
            tx.execute()

    def close(self) -> None:
        self.db.close()


BACKENDS["redis"] = BACKENDS["rediss"] = RedisState
