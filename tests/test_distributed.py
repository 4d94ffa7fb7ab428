"""Distributed crawls: real redis-server, real `scraper crawl --redis` worker processes, a local site of 500
articles, a real SIGKILL and a real Redis restart. Every article must come out exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper.status import LOCKED
from spiders.distributed import INFLIGHT, QUEUE
from tests.conftest import ROOT
from tests.crawl_site import FAST, NewsSite, Served, read_lines
from tests.redis_server import RedisServer, running_redis

ARTICLES = 500
WORKER = [*FAST, "-s", "EXTRACT_WORKERS=1", "-s", "REDIS_IDLE_CLOSE=2"]  # two workers share 2 cores


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    news = NewsSite(ARTICLES, traps=False, samples=False)
    with Served(news):
        yield news


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as redis_server:
        yield redis_server


def scraper(*args: str, cwd: Path = ROOT, **popen: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "scraper", *args], cwd=cwd, **popen)


def seed(redis_url: str, site: NewsSite) -> None:
    assert scraper("seed", "--redis", redis_url, site.url("/sitemap_index.xml")).wait() == 0


def worker(redis_url: str, name: str, out: Path) -> subprocess.Popen[bytes]:
    log = open(out.with_suffix(".log"), "ab")  # noqa: SIM115  (the child writes it)
    return scraper("crawl", "--redis", redis_url, "--worker", name, "-o", str(out), *WORKER, stderr=log)


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def emitted(*outputs: Path) -> Counter[str]:
    return Counter(article["url"] for out in outputs for article in read_lines(out))


def assert_each_once(site: NewsSite, *outputs: Path) -> None:
    counts = emitted(*outputs)
    assert [url for url, n in counts.items() if n > 1] == []
    assert set(counts) == {site.url(path) for path in site.articles}


def test_two_workers_emit_every_article_once(site: NewsSite, server: RedisServer, tmp_path: Path) -> None:
    url = server.db(1)
    seed(url, site)
    outputs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    workers = [worker(url, f"w{n}", out) for n, out in enumerate(outputs, 1)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    assert_each_once(site, *outputs)
    assert all(lines(out) > ARTICLES / 10 for out in outputs)  # both did a share of the work


def test_worker_killed_halfway_loses_and_repeats_nothing(
    site: NewsSite, server: RedisServer, tmp_path: Path
) -> None:
    url = server.db(2)
    seed(url, site)
    w1_out, w2_out = tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"
    w1, w2 = worker(url, "w1", w1_out), worker(url, "w2", w2_out)
    wait_for(lambda: lines(w1_out) + lines(w2_out) >= ARTICLES / 2)
    pool = children(w1.pid)  # its extraction processes
    w1.send_signal(signal.SIGKILL)
    w1.wait()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pool), timeout=10)  # none orphaned
    client = server.client(2)
    left_in_flight = client.zcard(INFLIGHT + "w1")
    assert left_in_flight > 0  # requests taken by w1 and gone from the shared queue
    # Until the killed run's lock expires, a new run of the same worker is refused.
    refused = 0
    while (restarted := worker(url, "w1", w1_out)).wait(timeout=60) == LOCKED:
        refused += 1
        time.sleep(1)
    assert refused and restarted.returncode == 0
    assert w2.wait(timeout=60) == 0
    assert_each_once(site, w1_out, w2_out)
    assert f"Redoing {left_in_flight} requests" in w1_out.with_suffix(".log").read_text()
    assert client.zcard(INFLIGHT + "w1") == client.zcard(QUEUE) == 0


def test_worker_rides_out_a_redis_restart(site: NewsSite, server: RedisServer, tmp_path: Path) -> None:
    url = server.db(3)
    seed(url, site)
    out = tmp_path / "w1.jsonl"
    w1 = worker(url, "w1", out)
    wait_for(lambda: lines(out) >= 50)
    server.restart(down_for=1.0)
    assert lines(out) < ARTICLES  # the crawl was still on
    # A pop whose reply is lost in a restart runs twice: the first request popped then sits in the
    # worker's in-flight set without the worker knowing. Done here by hand, it must be redone too.
    client = server.client(3)
    [(data, score)] = client.zpopmin(QUEUE)
    client.zadd(INFLIGHT + "w1", {data: score})
    assert w1.wait(timeout=120) == 0
    assert_each_once(site, out)
    assert "left in flight by a retried pop" in out.with_suffix(".log").read_text()
