"""`scraper crawl` and `scrapy crawl` as a new user first runs them: the output's folder, a second run
that emits nothing, no network, the limit, the live progress."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from scraper.status import FAILED, OK
from tests.support.commands import FAST, crawl_args
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import line_count
from tests.support.samples import ROOT


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
