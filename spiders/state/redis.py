"""The crawl state in Redis, shared by every worker of a distributed crawl (`redis://host:port/db`).

Pages and articles are shared; pending emits are kept per worker (`?worker=NAME`, default the host
name), because only the worker that wrote a line can surely check its own output file after a kill.
Recording an emit is one script that records it only if no worker recorded the same content first: a
request done twice (reclaimed from a worker thought dead, see `spiders.distributed`) emits once.

The crawl has a run id (`scraper:run-id`), created with its first seed or worker. Workers compare it
while they run (`spiders.state.lease`): a Redis restarted without persistence, or replaced, has lost
or changed it, and the shared state with it.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import astuple
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from spiders.state.base import (
    OPEN_VERDICTS,
    UNJUDGED,
    Capture,
    Pending,
    Rejudge,
    Verdict,
    is_newer,
    now,
)
from spiders.state.keys import ARTICLE_URLS, ARTICLES, PAGES, RUN_ID, VERDICTS, pending_key, rejudge_claim

logger = logging.getLogger(__name__)


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


def ensure_run_id(db: redis.Redis) -> str:
    """The crawl's run id, created if this Redis has none yet (a new crawl)."""
    if db.set(RUN_ID, uuid.uuid4().hex, nx=True) and db.exists(PAGES, ARTICLES):
        logger.warning("The crawl state in Redis had no run id (written by an older version): adopted")
    return (db.get(RUN_ID) or b"").decode()


# Record an emit unless the same content is recorded already. Run twice (a retried command whose reply
# was lost), it finds its own pending entry and answers the same.
_BEGIN_EMIT = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
    if ARGV[5] ~= '' and redis.call('HGET', KEYS[4], ARGV[1]) == ARGV[5] then return 1 end
    return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
for url in string.gmatch(ARGV[3], '[^\\n]+') do redis.call('HSET', KEYS[2], url, ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[4], ARGV[1], ARGV[5]) end
return 1
"""


# Set a page's verdict (ARGV: url, verdict, '1' for an archived page only, judges), keeping where it is
# archived. With '1' the page's judges stay and a page not archived is left alone (returns 0): what
# `forget` needs, to have an archived page judged again from the archive.
_JUDGE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local entry = old and cjson.decode(old) or {}
if ARGV[3] == '1' and not entry['capture'] then return 0 end
entry['verdict'] = ARGV[2]
if ARGV[3] ~= '1' then entry['judges'] = ARGV[4] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
"""
CLAIM_SECONDS = 3600  # a page handed to a worker to re-judge is another's after this


class RedisState:
    def __init__(self, uri: str) -> None:
        url, worker = split_url(uri)
        self._open(connect(url), worker)
        self.db.ping()

    @classmethod
    def of_worker(cls, db: redis.Redis, worker: str) -> RedisState:
        """The state as another worker sees it (its pending emits), on an open connection."""
        state = cls.__new__(cls)
        state._open(db, worker)
        return state

    def _open(self, db: redis.Redis, worker: str) -> None:
        self.db, self.worker = db, worker
        self.pending_key = pending_key(worker)
        self._begin_emit = db.register_script(_BEGIN_EMIT)
        self._set_verdict = db.register_script(_JUDGE)

    def should_fetch(self, url: str, lastmod: str | None) -> bool:
        seen = self.db.hget(PAGES, url)
        return seen is None or is_newer(lastmod, seen.decode())

    def _judge(self, urls: list[str], verdict: Verdict | None) -> None:
        if verdict is not None:
            self._set_verdict(keys=[VERDICTS], args=[urls[-1], verdict.verdict, "0", verdict.judges])

    def mark_fetched(self, urls: list[str], lastmod: str | None, verdict: Verdict | None = None) -> None:
        # Without a lastmod from the sitemap or feed, the fetch time stands in for it.
        self.db.hset(PAGES, mapping=dict.fromkeys(urls, lastmod or now()))
        self._judge(urls, verdict)

    def archived(self, urls: list[str], lastmod: str | None, capture: Capture) -> None:
        entry = {"verdict": UNJUDGED, "judges": "", "capture": astuple(capture)}
        with self.db.pipeline() as tx:
            tx.hset(PAGES, mapping=dict.fromkeys(urls, lastmod or now()))
            tx.hset(VERDICTS, urls[-1], orjson.dumps(entry))
            tx.execute()

    def capture(self, url: str) -> Capture | None:
        entry = self.db.hget(VERDICTS, url)
        capture = orjson.loads(entry).get("capture") if entry else None
        return Capture(*capture) if capture else None

    def to_rejudge(self, due: Callable[[Verdict, Capture | None], bool]) -> Iterator[Rejudge]:
        for key, value in self.db.hscan_iter(VERDICTS):
            entry, url = orjson.loads(value), key.decode()
            verdict = Verdict(entry["verdict"], entry.get("judges", ""))
            capture = Capture(*entry["capture"]) if entry.get("capture") else None
            if verdict.verdict not in OPEN_VERDICTS or not due(verdict, capture):
                continue
            if self.db.set(rejudge_claim(url), self.worker, nx=True, ex=CLAIM_SECONDS):
                lastmod = self.db.hget(PAGES, url)
                yield Rejudge(url, lastmod.decode() if lastmod else None, capture)

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
        verdict: Verdict | None = None,
    ) -> bool:
        pending = orjson.dumps([content_hash, output, offset, length]) if output else b""
        keys = [ARTICLES, PAGES, ARTICLE_URLS, self.pending_key]
        args = [key, content_hash, "\n".join(urls), lastmod or now(), pending]
        if not self._begin_emit(keys=keys, args=args):
            return False
        self._judge(urls, verdict)
        return True

    def end_emit(self, key: str) -> None:
        self.db.hdel(self.pending_key, key)

    def pending(self) -> Iterator[Pending]:
        for key, value in self.db.hgetall(self.pending_key).items():
            yield Pending(key.decode(), *orjson.loads(value))

    def forget(self, key: str) -> None:
        found = self.db.hget(ARTICLE_URLS, key)
        urls = found.decode().split("\n") if found else []
        archived = [url for url in urls if self._set_verdict(keys=[VERDICTS], args=[url, UNJUDGED, "1", ""])]
        with self.db.pipeline() as tx:
            if urls and not archived:
                tx.hdel(PAGES, *urls)
            tx.hdel(ARTICLES, key)
            tx.hdel(ARTICLE_URLS, key)
            tx.hdel(self.pending_key, key)
            tx.execute()

    def close(self) -> None:
        self.db.close()
