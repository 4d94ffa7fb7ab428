"""Distributed crawls: real redis-server, real `scraper crawl --redis` worker processes, the local test
site, a real SIGKILL and real Redis restarts. Every article must come out exactly once, and every exit
status must say what happened. Where a kill or a restart must land mid-crawl, the site holds article
responses at a gate (`tests/support/fault_site.py`) until the test releases them, so the crawl is surely
running."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.status import FAILED, OK
from spiders.state.keys import INFLIGHT, QUEUE
from spiders.state.lease import LEASE
from tests.support.commands import FAST, children, clean, scraper
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import emitted, line_count, parse_lines, read_lines
from tests.support.redis_server import RedisServer, running_redis
from tests.support.waiting import wait_for

ARTICLES = 500
# Two workers share 2 cores; a held response must outlast the gate, not time out.
WORKER = [*FAST, "-s", "EXTRACT_WORKERS=1", "-s", "REDIS_IDLE_CLOSE=2", "-s", "DOWNLOAD_TIMEOUT=60"]


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    news = NewsSite(ARTICLES, traps=False, samples=False)
    with Served(news):
        yield news


@pytest.fixture
def held_site() -> Iterator[FaultSite]:
    """200 articles, whose responses a test can hold; released at the end whatever happens."""
    news = FaultSite(200, traps=False, samples=False)
    with Served(news):
        try:
            yield news
        finally:
            news.release()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as redis_server:
        yield redis_server


def seed(redis_url: str, site: NewsSite) -> None:
    assert scraper("seed", "--redis", redis_url, site.url("/sitemap_index.xml")).wait(timeout=60) == 0


def worker(redis_url: str, name: str, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    with open(out.with_suffix(".log"), "ab") as log:  # the child has its own descriptor
        return scraper(
            "crawl", "--redis", redis_url, "--worker", name, "-o", str(out), *WORKER, *extra, stderr=log
        )


def assert_each_once(site: NewsSite, *outputs: Path) -> None:
    counts = emitted(*outputs)
    assert [url for url, n in counts.items() if n > 1] == []
    assert set(counts) == {site.url(path) for path in site.articles}


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker; its extraction processes must leave with it."""
    pool = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pool), timeout=10)


def test_two_workers_emit_every_article_once(site: NewsSite, server: RedisServer, tmp_path: Path) -> None:
    url = server.db(1)
    seed(url, site)
    outputs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    workers = [worker(url, f"w{n}", out) for n, out in enumerate(outputs, 1)]
    assert [w.wait(timeout=180) for w in workers] == [OK, OK]
    assert_each_once(site, *outputs)


def test_each_worker_archives_into_its_own_files_and_the_folder_cleans_into_every_article(
    site: NewsSite, server: RedisServer, tmp_path: Path
) -> None:
    url, warc = server.db(5), tmp_path / "warc"
    seed(url, site)
    outputs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    workers = [worker(url, f"w{n}", out, "--warc", str(warc)) for n, out in enumerate(outputs, 1)]
    assert [w.wait(timeout=180) for w in workers] == [OK, OK]
    writers = {path.name.split("-")[2] for path in warc.iterdir()}
    assert writers == {"w1", "w2"} and not any(path.suffix == ".open" for path in warc.iterdir())
    done = clean(warc)  # both workers' files, re-cleaned together
    assert done.returncode == 0, done.stderr[-2000:]
    crawled = [a for out in outputs for a in read_lines(out)]
    assert sorted(map(json.dumps, parse_lines(done.stdout))) == sorted(map(json.dumps, crawled))


def test_a_worker_restarted_at_once_after_a_kill_waits_out_its_lease(
    held_site: FaultSite, server: RedisServer, tmp_path: Path
) -> None:
    url, out = server.db(2), tmp_path / "w1.jsonl"
    seed(url, held_site)
    held_site.hold(after=50)
    w1 = worker(url, "w1", out)
    with server.client(2) as client:
        wait_for(lambda: held_site.waiting > 0 and client.zcard(INFLIGHT + "w1") > 0)
        kill(w1)
        in_flight = client.zcard(INFLIGHT + "w1")
        started = time.monotonic()
        restarted = worker(url, "w1", out)  # no 75: it waits for the killed run's lease to expire
        held_site.release()
        assert restarted.wait(timeout=180) == OK
        assert time.monotonic() - started > LEASE / 2
        assert client.zcard(INFLIGHT + "w1") == client.zcard(QUEUE) == 0
    assert_each_once(held_site, out)
    assert (
        f"Redoing {in_flight} requests left in flight by a killed run" in out.with_suffix(".log").read_text()
    )


def test_a_dead_worker_is_reclaimed_by_another_and_the_next_round_refetches(
    held_site: FaultSite, server: RedisServer, tmp_path: Path
) -> None:
    url = server.db(3)
    w1_out, w2_out, round2 = tmp_path / "w1.jsonl", tmp_path / "w2.jsonl", tmp_path / "round2.jsonl"
    seed(url, held_site)
    held_site.hold(after=60)
    w1 = worker(url, "w1", w1_out)
    with server.client(3) as client:
        wait_for(
            lambda: held_site.waiting > 0 and client.zcard(INFLIGHT + "w1") > 0 and line_count(w1_out) > 0
        )
        kill(w1)  # and never started again
        in_flight = client.zcard(INFLIGHT + "w1")
        held_site.release()
        summary = tmp_path / "w2.json"
        w2 = worker(url, "w2", w2_out, "-s", f"CRAWL_SUMMARY={summary}")
        assert w2.wait(timeout=180) == OK
        assert_each_once(held_site, w1_out, w2_out)
        assert json.loads(summary.read_text())["reclaimed"] == in_flight
        assert client.zcard(INFLIGHT + "w1") == client.zcard(QUEUE) == 0
    log = w2_out.with_suffix(".log").read_text()
    assert f"Reclaimed {in_flight} requests in flight at worker 'w1'" in log

    revised = held_site.sitemap_articles[:5]
    for article in revised:
        held_site.change(article)
    seed(url, held_site)  # nothing queued, nothing in flight, the dead worker reclaimed: a new round
    assert worker(url, "w2", round2).wait(timeout=180) == OK
    articles = read_lines(round2)
    assert sorted(a["url"] for a in articles) == sorted(held_site.url(a.path) for a in revised)
    assert all(a["body"].endswith("revised on Friday.") for a in articles)


def test_worker_rides_out_a_redis_restart(held_site: FaultSite, server: RedisServer, tmp_path: Path) -> None:
    url, out = server.db(4), tmp_path / "w1.jsonl"
    seed(url, held_site)
    held_site.hold(after=50)
    w1 = worker(url, "w1", out)
    wait_for(lambda: held_site.waiting > 0)
    server.restart()  # with the append-only file: the data survives
    # A pop whose reply is lost in a restart runs twice: the first request popped then sits in the
    # worker's in-flight set without the worker knowing. Done here by hand, it must be redone too.
    with server.client(4) as client:
        [(data, score)] = client.zpopmin(QUEUE)
        client.zadd(INFLIGHT + "w1", {data: score})
    held_site.release()
    assert w1.wait(timeout=180) == OK
    assert_each_once(held_site, out)
    assert "left in flight by a retried pop" in out.with_suffix(".log").read_text()


def test_a_redis_that_lost_its_data_stops_the_workers_with_3(held_site: FaultSite, tmp_path: Path) -> None:
    with running_redis(tmp_path / "redis", persistent=False) as volatile:
        url, out = volatile.db(0), tmp_path / "w1.jsonl"
        seed(url, held_site)
        held_site.hold(after=50)
        w1 = worker(url, "w1", out)
        wait_for(lambda: held_site.waiting > 0)
        volatile.restart()  # without persistence: empty
        held_site.release()
        assert w1.wait(timeout=60) == FAILED
    log = out.with_suffix(".log").read_text()
    assert "run id in Redis is gone or changed" in log and "Redis was restarted without persistence" in log
