"""Distributed crawls: with `REDIS_URL` set (`scraper crawl --redis URL`), the scheduler, duplicate filter
and crawl state live in Redis, through scrapy-redis, so any number of workers on any machines share one
frontier. Without it nothing here is loaded and the single-machine default (SQLite state) applies.

scrapy-redis pops a request off the shared queue for good, so a worker killed mid-crawl would lose what
it was fetching. Here a pop moves the request into the worker's in-flight set, and it leaves that set
only when Scrapy is done with it (downloaded, parsed, its article written). A worker restarted under the
same name first redoes what its killed run had in flight; the crawl state (`spiders.jsonl.recover`)
tells which of those articles were already written, so none is lost and none is emitted twice.

Leases: a worker that never comes back must not hold its requests forever. Its run lock is its lease
(`spiders.state.lease`), renewed every second; once it has expired, any live worker (when idle), a new
worker and `scraper seed` reclaim the dead worker's in-flight set: one script moves it back to the
shared queue if the lease is still gone, for any worker to take. A dead worker counts as busy no more,
so a new round can start.

Before that, the dead worker's pending emits (a line begun in its output file and not yet confirmed: at
most one, the last line it wrote) are settled from here: if its file can be read here (same machine or
a shared folder) and holds the line where it was recorded, the emit is confirmed; otherwise the article
is forgotten and the reclaimed request emits it again. Nothing is lost; the one case that can leave a
duplicate is a dead worker's file that is unreachable from here yet kept the line, and a warning names
that file and offset. A request done twice (a lease lost in a long Redis outage while its worker lived
on) emits once: recording an emit is atomic and checks the content was not recorded first.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import warnings
from collections.abc import Callable
from typing import Any, NoReturn, Self

import redis
from redis.exceptions import RedisError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.settings import BaseSettings
from scrapy_redis import queue, scheduler
from scrapy_redis.dupefilter import RFPDupeFilter
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from scraper.status import FAILED
from spiders.jsonl import recover
from spiders.state.keys import DUPEFILTER, INFLIGHT, QUEUE, lock_key
from spiders.state.redis import CONNECTION, RedisState, connect, state_uri

logger = logging.getLogger(__name__)
# scrapy-redis 0.9.1 calls APIs that Scrapy 2.19 deprecates: nothing a user of a crawl can act on.
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")


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


# The Redis client retries a command whose reply was lost (as in a Redis restart), so a command may run
# twice. Both scripts keep that harmless: a push that finds its fingerprint seen has been done (the
# fingerprint and the request are stored together); a pop run twice leaves a request in the in-flight
# set that no request of this run stands for, which `Scheduler.spider_idle` picks up again.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Move a dead worker's in-flight set back to the shared queue, unless its lease is back.
_RECLAIM = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local taken = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[1], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[2])
return #taken / 2
"""

# Pop the best request and move it into the worker's in-flight set (same score).
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
return top[1]
"""


class SharedQueue(queue.PriorityQueue):
    """The shared priority queue, pushed to through the shared duplicate filter."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self._push = server.register_script(_PUSH)

    def push_unseen(self, request: Request, dupefilter: RFPDupeFilter) -> bool:
        """Push the request unless the duplicate filter has seen it (`dont_filter` requests always)."""
        fingerprint = "" if request.dont_filter else dupefilter.request_fingerprint(request)
        data = self._encode_request(request)
        return bool(self._push(keys=[dupefilter.key, self.key], args=[fingerprint, -request.priority, data]))


class ReliableQueue(SharedQueue):
    """The shared queue, with this worker's in-flight set beside it."""

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

    def stray(self) -> int:
        """Called when this run has nothing in flight: take up again what the in-flight set still holds
        (see the note on the scripts)."""
        self.redo = self.server.zrange(self.inflight, 0, -1, withscores=True)
        return len(self.redo)

    def give_back(self) -> None:
        """Return the redo entries this run did not get to, so any worker can take them."""
        with self.server.pipeline() as tx:
            for data, score in self.redo:
                tx.zadd(self.key, {data: score})
                tx.zrem(self.inflight, data)
            tx.execute()
        self.redo = []


def abort(error: Exception) -> NoReturn:
    """Redis stayed away longer than the client's retries (which ride out a restart of some seconds).
    Without it a worker can record nothing, and a graceful stop would wait out the retries for every
    request in progress. Exit as if killed: the requests in flight stay in Redis for the next run."""
    logger.critical("Redis is unreachable (%s): exiting; the next run of this worker resumes", error)
    os._exit(FAILED)


class _DoneSet(set[Request]):
    """The engine's set of requests in progress, telling when one leaves it."""

    def __init__(self, done: Callable[[Request], None]) -> None:
        super().__init__()
        self.done = done

    def remove(self, request: Request) -> None:
        super().remove(request)
        try:
            self.done(request)
        except RedisError as error:
            abort(error)


class Scheduler(scheduler.Scheduler):
    """scrapy-redis's scheduler with reliable pops, and a worker that stays while the frontier may grow.

    A worker closes once the shared queue has been empty, and no other live worker has had requests in
    flight (their responses may add more), for `REDIS_IDLE_CLOSE` seconds; 0 keeps it waiting for seeds.
    """

    POLL = 0.5  # seconds between looks at the shared queue while this worker has nothing to do
    queue: ReliableQueue
    crawler: Crawler
    idle_close: float
    idle_since: float | None
    max_taken: int
    poll: LoopingCall

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.idle_close = crawler.settings.getfloat("REDIS_IDLE_CLOSE")
        instance.idle_since = None
        instance.max_taken = crawler.settings.getint("CONCURRENT_REQUESTS")
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.failed, signal=signals.item_error)
        crawler.signals.connect(instance.failed, signal=signals.spider_error)
        return instance

    def open(self, spider: Spider) -> None:
        super().open(spider)
        # Before this worker's own start requests, if it has any.
        self.stats.inc_value("crawl/reclaimed", new_round(self.server, self.df))
        if self.queue.redo:
            spider.logger.warning("Redoing %d requests left in flight by a killed run", len(self.queue.redo))
        # Scrapy has no "request finished" signal; the engine's in-progress set is where a request stays
        # until its response and the items from it are fully processed.
        slot = self.crawler.engine._slot
        slot.inprogress = _DoneSet(self.queue.done)
        # An idle engine looks at its scheduler every 5 s; other workers may fill the queue sooner.
        self.poll = LoopingCall(slot.nextcall.schedule)
        self.poll.start(self.POLL, now=False)

    def enqueue_request(self, request: Request) -> bool:
        try:
            pushed = self.queue.push_unseen(request, self.df)
        except RedisError as error:
            abort(error)
        if not pushed:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        # Downloads outpace extraction: unchecked, the first worker would take (and hold in flight)
        # most of the queue while the others starve. A worker takes what it can fetch at once.
        if len(self.queue.taken) >= self.max_taken:
            return None
        try:
            return super().next_request()
        except RedisError as error:
            abort(error)

    def close(self, reason: str) -> None:
        self.poll.stop()
        self.queue.give_back()
        super().close(reason)

    def failed(self, failure: Failure) -> None:
        """A callback or an item failed on Redis: the page's links or its article were not recorded."""
        if failure.check(RedisError):
            abort(failure.value)

    def frontier_busy(self) -> bool:
        if len(self.queue):
            return True
        others = (w for w in busy_workers(self.server) if INFLIGHT + w != self.queue.inflight)
        return any(self.server.exists(lock_key(w)) for w in others)  # a dead worker adds nothing

    def _reclaim(self) -> None:
        self.stats.inc_value(
            "crawl/reclaimed", reclaim_dead(self.server, self.spider.settings["REDIS_WORKER"])
        )

    def spider_idle(self) -> None:
        try:
            # Idle, this run has nothing in flight: what the in-flight set still holds is stray.
            if stray := self.queue.stray():
                logger.warning("Redoing %d requests left in flight by a retried pop", stray)
            self._reclaim()
            busy = self.frontier_busy()
        except RedisError as error:
            abort(error)
        if busy:
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
    """Workers with requests in flight (live, or dead and not reclaimed yet)."""
    keys = server.scan_iter(match=INFLIGHT + "*")
    return [k.decode().removeprefix(INFLIGHT) for k in keys if server.zcard(k)]


def reclaim_dead(server: redis.Redis, me: str | None = None) -> int:
    """Give the in-flight requests of workers whose lease expired back to the shared queue, after
    settling their pending emits (see the module docstring). Returns how many requests came back."""
    reclaimed = 0
    for worker in busy_workers(server):
        if worker == me or server.exists(lock_key(worker)):
            continue
        recover(RedisState.of_worker(server, worker), own=False)
        moved = int(server.eval(_RECLAIM, 3, QUEUE, INFLIGHT + worker, lock_key(worker)))
        if moved:
            logger.warning("Reclaimed %d requests in flight at worker %r, whose lease expired", moved, worker)
        reclaimed += moved
    return reclaimed


def new_round(server: redis.Redis, dupefilter: RFPDupeFilter) -> int:
    """With nothing queued and nothing in flight anywhere (dead workers' requests reclaimed first), the
    previous crawl round is over: the next starts with an empty duplicate filter, so pages whose lastmod
    changed are fetched again (the crawl state still skips the rest). Returns the requests reclaimed."""
    reclaimed = reclaim_dead(server)
    if not server.zcard(QUEUE) and not busy_workers(server):
        dupefilter.clear()
    return reclaimed
