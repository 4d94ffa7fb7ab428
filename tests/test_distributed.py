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

import orjson
import pytest

from scraper.lock import LOCKED
from tests.crawl_site import NewsSite, Served
from tests.redis_server import RedisServer, running_redis

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 500
# A local site answers at once: no politeness delays; one extraction process per crawl (2 cores).
LOCAL = ("AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "EXTRACT_WORKERS=1")


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    news = NewsSite(ARTICLES, traps=False, samples=False)
    with Served(news):
        yield news


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as redis_server:
        yield redis_server


def scraper(*args: str, **popen: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "scraper", *args], cwd=ROOT, **popen)


def crawl(*args: str, settings: tuple[str, ...] = LOCAL, log: Path | None = None) -> subprocess.Popen[bytes]:
    stderr = open(log, "ab") if log else subprocess.PIPE  # noqa: SIM115  (the child writes it)
    return scraper("crawl", *args, *(f"--set={s}" for s in settings), stderr=stderr)


def seed(redis_url: str, site: NewsSite) -> None:
    assert scraper("seed", "--redis", redis_url, site.url("/sitemap_index.xml")).wait() == 0


def worker(redis_url: str, name: str, out: Path) -> subprocess.Popen[bytes]:
    args = ("--redis", redis_url, "--worker", name, "-o", str(out))
    return crawl(*args, settings=(*LOCAL, "REDIS_IDLE_CLOSE=2"), log=out.with_suffix(".log"))


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def emitted(*outputs: Path) -> Counter[str]:
    return Counter(orjson.loads(line)["url"] for out in outputs for line in out.read_bytes().splitlines())


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
    w1.send_signal(signal.SIGKILL)
    w1.wait()
    client = server.client(2)
    left_in_flight = client.zcard("scraper:inflight:w1")
    assert left_in_flight > 0  # requests taken by w1 and gone from the shared queue
    # Until the killed run's lock expires, a new run of the same worker is refused.
    while (restarted := worker(url, "w1", w1_out)).wait(timeout=60) == LOCKED:
        time.sleep(1)
    assert restarted.returncode == 0
    assert w2.wait(timeout=60) == 0
    assert_each_once(site, w1_out, w2_out)
    assert f"Redoing {left_in_flight} requests" in w1_out.with_suffix(".log").read_text()
    assert client.zcard("scraper:inflight:w1") == client.zcard("scraper:requests") == 0


def test_worker_rides_out_a_redis_restart(site: NewsSite, server: RedisServer, tmp_path: Path) -> None:
    url = server.db(3)
    seed(url, site)
    out = tmp_path / "w1.jsonl"
    w1 = worker(url, "w1", out)
    wait_for(lambda: lines(out) >= 50)
    server.restart(down_for=1.0)
    assert w1.wait(timeout=120) == 0
    assert_each_once(site, out)
