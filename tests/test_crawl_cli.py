"""`scraper crawl` and `scrapy crawl` as a new user first runs them: the output's folder, a second run
that emits nothing, no network, the limit, the live progress."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from scraper.status import FAILED, OK
from tests.support.commands import FAST, HELD, crawl_args
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import line_count
from tests.support.samples import ROOT
from tests.support.waiting import wait_for


def crawl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scraper", "crawl", *args, *FAST]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_the_output_folder_is_created(tmp_path: Path) -> None:
    site = NewsSite(5, traps=False, samples=False)
    with Served(site):
        done = crawl(*crawl_args(site), "-o", "out/articles-{run}.jsonl", cwd=tmp_path)
    assert done.returncode == OK, done.stderr
    [output] = (tmp_path / "out").glob("articles-*.jsonl")
    assert line_count(output) == 5


def test_a_second_run_says_why_it_emitted_nothing(tmp_path: Path) -> None:
    site = NewsSite(5, traps=False, samples=False)
    scrapy = Path(sys.executable).parent / "scrapy"
    # From the user's own folder: the state goes there, by default.
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings", "PYTHONPATH": str(ROOT)}
    with Served(site):
        command = [str(scrapy), "crawl", "news", "-a", f"sitemap={site.url('/sitemap_index.xml')}"]
        runs = [
            subprocess.run(
                [*command, "-O", "out.jsonl", *FAST], cwd=tmp_path, env=env, capture_output=True, text=True
            )
            for _ in range(2)
        ]
        again = crawl(*crawl_args(site), cwd=tmp_path)
    assert [run.returncode for run in runs] == [0, 0]
    assert line_count(tmp_path / "out.jsonl") == 0  # -O: replaced by the second run's nothing
    state = tmp_path / "crawl-state.sqlite"
    assert "skipped as fetched or emitted before" not in runs[0].stderr
    assert f"5 pages skipped as fetched or emitted before; state: {state}" in runs[1].stderr
    assert f"5 pages skipped as fetched or emitted before; state: {state}" in again.stderr.splitlines()[-1]


def test_without_network_each_failure_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    done = crawl(f"http://127.0.0.1:{port}/sitemap.xml", "-s", "RETRY_TIMES=0", cwd=tmp_path)
    assert done.returncode == FAILED
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 4, done.stderr  # robots.txt, the page robots.txt held, the sitemap, the summary
    assert "Error downloading" in lines[1] and "Connection was refused" in lines[1]
    assert lines[-1].startswith("scraper crawl: pages fetched 0")


def test_limit_stops_fetching_articles_once_it_is_in_sight(tmp_path: Path) -> None:
    """Every page is an article here, so in-flight requests all become articles: exactly N are fetched
    (before, the 32 concurrent requests fetched 39 pages for --limit 5)."""
    site = NewsSite(60, traps=False, samples=False)
    with Served(site):
        done = crawl(*crawl_args(site), "--limit", "5", "--state", ":memory:", "-o", "a.jsonl", cwd=tmp_path)
    assert done.returncode == OK, done.stderr
    assert line_count(tmp_path / "a.jsonl") == 5
    assert sum(hits for path, hits in site.hits.items() if path in site.articles) == 5
    # and robots.txt, the sitemap index and its sitemap
    assert "scraper crawl: pages fetched 8, articles emitted 5;" in done.stderr


# The progress figures: pages fetched, articles, skipped, errors, rate, queue.
FIGURES = r"(\d+) pages fetched  (\d+) articles  (\d+) skipped  (\d+) errors  [\d.]+ pages/s  (\d+) queued"


def read_into(shown: bytearray, stream: IO[bytes] | int) -> threading.Thread:
    """Collect what a process writes to a pipe or a terminal, as it comes, in a thread."""

    def read() -> None:
        with contextlib.suppress(OSError):  # a terminal's EIO once the process has gone
            while chunk := (os.read(stream, 4096) if isinstance(stream, int) else stream.read1(4096)):
                shown.extend(chunk)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_progress_is_a_live_line_on_a_terminal(tmp_path: Path) -> None:
    site = FaultSite(60, traps=False, samples=False)
    site.hold(after=3)  # the crawl stays at 3 articles until the test has seen them on the line
    terminal, stderr = pty.openpty()
    shown = bytearray()
    with Served(site):
        command = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "--state", ":memory:"]
        with subprocess.Popen(
            [*command, "-o", "a.jsonl", *FAST, *HELD], cwd=tmp_path, stderr=stderr, stdout=subprocess.DEVNULL
        ) as crawl:
            os.close(stderr)
            reader = read_into(shown, terminal)
            wait_for(lambda: re.search(rb"\r\x1b\[K6 pages fetched  3 articles  0 skipped  0 errors", shown))
            site.release()
            assert crawl.wait(120) == OK
        reader.join(30)
    os.close(terminal)
    text = shown.decode()
    drawn = [m.groups() for m in re.finditer("\r\x1b\\[K" + FIGURES, text)]
    assert drawn[-1] == ("63", "60", "0", "0", "0")  # the last drawing: every page, nothing queued
    assert max(int(queued) for *_, queued in drawn) > 0  # past the 32 requests the downloader takes
    # The line is erased before the summary, which stands on a line of its own.
    assert re.search(FIGURES + "\r\x1b\\[Kscraper crawl: pages fetched 63, articles emitted 60;", text)


def test_progress_is_a_line_every_interval_elsewhere(tmp_path: Path) -> None:
    site = FaultSite(20, traps=False, samples=False)
    site.hold(after=3)
    shown = bytearray()
    with Served(site):
        command = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "--state", ":memory:"]
        command += ["-o", "a.jsonl", "-s", "PROGRESS_INTERVAL=0.1", *FAST, *HELD]
        with subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE) as crawl:
            assert crawl.stderr is not None
            reader = read_into(shown, crawl.stderr)
            wait_for(lambda: b"crawl progress: 6 pages fetched  3 articles  0 skipped  0 errors" in shown)
            site.release()
            assert crawl.wait(120) == OK
            reader.join(30)
    lines = shown.decode().splitlines()
    assert "\x1b" not in shown.decode()
    assert lines[-1].startswith("scraper crawl: pages fetched 23, articles emitted 20;")
    assert all(re.fullmatch("crawl progress: " + FIGURES, line) for line in lines[:-1]), lines
