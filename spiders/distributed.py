"""Distributed crawls: with `REDIS_URL` set (`scraper crawl --redis URL`), the scheduler, duplicate filter
and crawl state live in Redis, through scrapy-redis, so any number of workers on any machines share one
frontier. Without it nothing here is loaded and the single-machine default (SQLite state) applies.

scrapy-redis pops a request off the shared queue for good, so a worker killed mid-crawl would lose what
it was fetching. Here a pop moves the request into the worker's in-flight set, and it leaves that set
only when Scrapy is done with it (downloaded, parsed, its article written). A worker restarted under the
same name first redoes what its killed run had in flight; the crawl state (`spiders.jsonl.recover`)
tells which of those articles were already written, so none is lost and none is emitted twice.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from typing import Any, Self
from urllib.parse import quote

import redis
from redis.exceptions import RedisError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis import queue, scheduler
from scrapy_redis.dupefilter import RFPDupeFilter
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

import scraper.state_redis  # noqa: F401  (registers the redis:// crawl-state backend)
from scraper.lock import lock_key
from scraper.state_redis import CONNECTION, PREFIX, connect

logger = logging.getLogger(__name__)

QUEUE = PREFIX + "requests"  # one frontier for every spider: requests carry their site config
DUPEFILTER = PREFIX + "dupefilter"
INFLIGHT = PREFIX + "inflight:"  # + worker name


def state_uri(url: str, worker: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}worker={quote(worker)}"


def redis_overrides(url: str, worker: str | None) -> dict[str, Any]:
    """The settings `scraper crawl --redis URL [--worker NAME]` adds."""
    worker = worker or socket.gethostname()
    return {"REDIS_URL": url, "REDIS_WORKER": worker, "CRAWL_STATE": state_uri(url, worker)}


class RedisAddon:
    """In `ADDONS`: switches a crawl to the shared frontier when `REDIS_URL` is set. Before the crawler
    exists, because the spider opens its crawl state as it is created."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        worker = settings.get("REDIS_WORKER") or socket.gethostname()
        redis_mode = {
            "REDIS_WORKER": worker,
            "SCHEDULER": f"{__name__}.Scheduler",
            "SCHEDULER_QUEUE_CLASS": f"{__name__}.ReliableQueue",
            "SCHEDULER_QUEUE_KEY": QUEUE,
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER,
            "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
            "REDIS_PARAMS": CONNECTION,
            "CRAWL_STATE": settings.get("CRAWL_STATE") or state_uri(url, worker),
        }
        # At project priority: these replace the project's single-machine values, not the command line's.
        settings.setdict(redis_mode, "project")


# Pop the best request and move it, atomically, into the worker's in-flight set (same score).
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
return top[1]
"""


class ReliableQueue(queue.PriorityQueue):
    """The shared priority queue, with this worker's in-flight set beside it."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.inflight = INFLIGHT + spider.settings["REDIS_WORKER"]
        # What this worker's previous run had in flight when it died: redone before anything else.
        self.redo: list[tuple[bytes, float]] = server.zrange(self.inflight, 0, -1, withscores=True)
        self.taken: dict[Request, bytes] = {}
        self._pop = server.register_script(_POP)

    def __len__(self) -> int:
        return super().__len__() + len(self.redo)

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.redo.pop()[0] if self.redo else self._pop(keys=[self.key, self.inflight])
        if not data:
            return None
        request = self._decode_request(data)
        self.taken[request] = data
        return request

    def done(self, request: Request) -> None:
        if (data := self.taken.pop(request, None)) is not None:
            self.server.zrem(self.inflight, data)

    def keep(self, request: Request) -> None:
        """Leave a request in flight although Scrapy is done with it: this worker's next run redoes it."""
        self.taken.pop(request, None)

    def give_back(self) -> None:
        """Return the redo entries this run did not get to, so any worker can take them."""
        with self.server.pipeline() as tx:
            for data, score in self.redo:
                tx.zadd(self.key, {data: score})
                tx.zrem(self.inflight, data)
            tx.execute()
        self.redo = []


class _DoneSet(set[Request]):
    """The engine's set of requests in progress, telling when one leaves it."""

    def __init__(self, done: Callable[[Request], None]) -> None:
        super().__init__()
        self.done = done

    def remove(self, request: Request) -> None:
        super().remove(request)
        self.done(request)


class Scheduler(scheduler.Scheduler):
    """scrapy-redis's scheduler with reliable pops, and a worker that stays while the frontier may grow.

    A worker closes once the shared queue has been empty, and no other live worker has had requests in
    flight (their responses may add more), for `REDIS_IDLE_CLOSE` seconds; 0 keeps it waiting for seeds.
    """

    queue: ReliableQueue
    POLL = 0.5  # seconds between looks at the shared queue while this worker has nothing to do

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.idle_close = crawler.settings.getfloat("REDIS_IDLE_CLOSE", 10.0)
        instance.idle_since = None
        instance.max_taken = crawler.settings.getint("CONCURRENT_REQUESTS")
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.failed, signal=signals.item_error)
        crawler.signals.connect(instance.failed, signal=signals.spider_error)
        return instance

    def open(self, spider: Spider) -> None:
        super().open(spider)
        if self.queue.redo:
            spider.logger.warning("Redoing %d requests left in flight by a killed run", len(self.queue.redo))
        # Scrapy has no "request finished" signal; the engine's in-progress set is where a request stays
        # until its response and the items from it are fully processed.
        slot = self.crawler.engine._slot
        slot.inprogress = _DoneSet(self.queue.done)
        # An idle engine looks at its scheduler every 5 s; other workers may fill the queue sooner.
        self.poll = LoopingCall(slot.nextcall.schedule)
        self.poll.start(self.POLL, now=False)

    def next_request(self) -> Request | None:
        # Downloads outpace extraction: unchecked, the first worker would take (and hold in flight)
        # most of the queue while the others starve. A worker takes what it can fetch at once.
        if len(self.queue.taken) >= self.max_taken:
            return None
        return super().next_request()

    def close(self, reason: str) -> None:
        self.poll.stop()
        self.queue.give_back()
        super().close(reason)

    def failed(self, failure: Failure, response: Response | None = None) -> None:
        """Redis stayed away longer than the client retries: the page's links or article may not have
        been recorded, so its request must not count as done. Stop, and let the next run redo it."""
        if not failure.check(RedisError):
            return
        if response is not None:
            self.queue.keep(response.request)
        logger.error(
            "Redis is unreachable (%s): stopping; the next run of this worker resumes", failure.value
        )
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_error"))

    def frontier_busy(self) -> bool:
        if len(self.queue):
            return True
        others = (w for w in busy_workers(self.server) if INFLIGHT + w != self.queue.inflight)
        return any(self.server.exists(lock_key(w)) for w in others)  # a dead worker adds nothing

    def spider_idle(self, spider: Spider) -> None:
        if self.frontier_busy():
            self.idle_since = None
        elif self.idle_since is None:
            self.idle_since = time.monotonic()
        waited = 0.0 if self.idle_since is None else time.monotonic() - self.idle_since
        if self.idle_close <= 0 or waited < self.idle_close:
            raise DontCloseSpider


def frontier(url: str) -> tuple[redis.Redis, RFPDupeFilter]:
    """A client and the shared duplicate filter, for pushing requests from outside a crawl."""
    server = connect(url)
    return server, RFPDupeFilter(server, DUPEFILTER)


def busy_workers(server: redis.Redis) -> list[str]:
    """Workers with requests in flight (live, or killed and not restarted yet)."""
    keys = server.scan_iter(match=INFLIGHT + "*")
    return [k.decode().removeprefix(INFLIGHT) for k in keys if server.zcard(k)]


def frontier_idle(server: redis.Redis) -> bool:
    """Nothing queued and nothing in flight anywhere: the previous crawl round is over."""
    return not server.zcard(QUEUE) and not busy_workers(server)
