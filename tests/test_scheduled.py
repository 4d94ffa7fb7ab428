"""`scraper crawl` from cron: overlapping runs on one state, killed runs, per-run output files, exit codes."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from scraper.status import FAILED, LOCKED, OK, PARTIAL
from tests.crawl_site import FAST, NewsSite, Served, crawl_args, scraper_crawl
from tests.redis_server import free_port
from tests.test_distributed import emitted, lines, scraper, wait_for

OUTPUT = "out-{run}.jsonl"  # one file per run, named by the run's start time


def scheduled_run(site: NewsSite, workdir: Path) -> subprocess.Popen[bytes]:
    """A run as cron starts it: the state (crawl-state.sqlite) and the output in its working directory."""
    return scraper("crawl", *crawl_args(site), "-o", OUTPUT, *FAST, cwd=workdir, stderr=subprocess.PIPE)


def test_overlapping_runs_never_both_crawl(tmp_path: Path) -> None:
    site = NewsSite(100, traps=False, samples=False)
    with Served(site):
        runs = [scheduled_run(site, tmp_path) for _ in range(2)]
        codes = [run.wait(timeout=60) for run in runs]
    assert sorted(codes) == [OK, LOCKED]
    refused = runs[codes.index(LOCKED)].stderr.read().decode()  # type: ignore[union-attr]
    assert "another crawl holds" in refused and "not crawling" in refused
    assert {site.hits[path] for path in site.articles} == {1}  # one crawl fetched each page, once
    [output] = tmp_path.glob("out-*")  # finished: no .part left
    assert output.suffix == ".jsonl" and lines(output) == 100


def test_killed_run_is_settled_and_rolled_over_by_the_next(tmp_path: Path) -> None:
    site = NewsSite(300, traps=False, samples=False)
    with Served(site):
        first = scheduled_run(site, tmp_path)
        wait_for(lambda: any(lines(part) > 100 for part in tmp_path.glob("out-*.jsonl.*.part")))
        first.send_signal(signal.SIGKILL)
        first.wait()
        scraper_crawl(site, tmp_path, tmp_path / OUTPUT)
    outputs = sorted(tmp_path.glob("out-*"))
    assert len(outputs) == 2 and all(out.suffix == ".jsonl" for out in outputs)
    counts = emitted(*outputs)
    assert set(counts) == {site.url(path) for path in site.articles} and set(counts.values()) == {1}


def test_exit_codes_say_partial_success_and_failure(tmp_path: Path) -> None:
    one_off = ("--state", ":memory:", "-o", str(tmp_path / "out.jsonl"), *FAST)
    site = NewsSite(10, samples=False, slow=0.1)  # a 404, a robots.txt-disallowed link, a 500 that recovers
    with Served(site):
        assert scraper("crawl", *crawl_args(site), *one_off).wait(timeout=60) == PARTIAL
    unreachable = f"http://127.0.0.1:{free_port()}/sitemap.xml"
    failed = scraper("crawl", unreachable, *one_off, "-s", "RETRY_TIMES=0", stderr=subprocess.PIPE)
    assert failed.wait(timeout=60) == FAILED
    assert "connection_refused" in failed.stderr.read().decode()  # type: ignore[union-attr]
