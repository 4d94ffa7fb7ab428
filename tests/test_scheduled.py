"""`scraper crawl` from cron: overlapping runs on one state, killed runs, per-run output files, exit codes."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.status import FAILED, LOCKED, OK, PARTIAL, USAGE
from spiders.runs import finish_outputs, run_output, state_tag
from tests.support.commands import FAST, HELD, crawl_args, scraper, scraper_crawl
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import emitted, line_count
from tests.support.waiting import wait_for

OUTPUT = "out-{run}.jsonl"  # one file per run, named by the run's start time


def scheduled_run(site: NewsSite, workdir: Path, output: str = OUTPUT) -> subprocess.Popen[bytes]:
    """A run as cron starts it: the state (crawl-state.sqlite) and the output in its working directory;
    it waits for a held site for as long as the site holds it."""
    return scraper(
        "crawl", *crawl_args(site), "-o", output, *FAST, *HELD, cwd=workdir, stderr=subprocess.PIPE
    )


def test_overlapping_runs_never_both_crawl(tmp_path: Path) -> None:
    site = FaultSite(100, traps=False, samples=False)
    site.hold(after=0)  # the run holding the lock cannot finish before the other one has tried
    with Served(site):
        runs = [scheduled_run(site, tmp_path) for _ in range(2)]
        wait_for(lambda: any(run.poll() is not None for run in runs))
        site.release()
        stderr = [run.communicate(timeout=120)[1] for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [OK, LOCKED]
    refused = stderr[codes.index(LOCKED)].decode()
    assert "another crawl holds" in refused and "not crawling" in refused
    assert {site.hits[path] for path in site.articles} == {1}  # one crawl fetched each page, once
    [output] = tmp_path.glob("out-*")  # finished: no .part left
    assert output.suffix == ".jsonl" and line_count(output) == 100


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_killed_run_is_settled_and_rolled_over_by_the_next(tmp_path: Path, suffix: str) -> None:
    """Compressed, the part file is compressed too (by the name it gets), settled member by member."""
    site = FaultSite(300, traps=False, samples=False)
    site.hold(after=100)  # the kill lands after exactly 100 articles
    output = f"out-{{run}}{suffix}"
    with Served(site):
        first = scheduled_run(site, tmp_path, output)
        wait_for(lambda: any(line_count(part) >= 100 for part in tmp_path.glob(f"out-*{suffix}.*.part")))
        first.send_signal(signal.SIGKILL)
        first.communicate()
        site.release()
        scraper_crawl(site, tmp_path, tmp_path / output)
    outputs = sorted(tmp_path.glob("out-*"))
    assert len(outputs) == 2 and all(out.name.endswith(suffix) for out in outputs)
    if suffix == ".jsonl.gz":  # gzip's own reader, every member
        assert all(gzip.decompress(out.read_bytes()).count(b"\n") == line_count(out) for out in outputs)
    assert line_count(outputs[0]) == 100
    counts = emitted(*outputs)
    assert set(counts) == {site.url(path) for path in site.articles} and set(counts.values()) == {1}


def test_exit_codes_say_partial_success_and_failure(tmp_path: Path) -> None:
    one_off = ("--state", ":memory:", "-o", str(tmp_path / "out.jsonl"), *FAST)
    site = NewsSite(10, samples=False)  # a 404, a robots.txt-disallowed link, a 500 that recovers
    with Served(site):
        assert scraper("crawl", *crawl_args(site), *one_off).wait(timeout=60) == PARTIAL
    # A port bound and not listening refuses connections, and no other process can take it meanwhile.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}/sitemap.xml"
        failed = scraper("crawl", unreachable, *one_off, "-s", "RETRY_TIMES=0", stderr=subprocess.PIPE)
        stderr = failed.communicate(timeout=60)[1].decode()
    assert failed.returncode == FAILED
    assert "connection_refused" in stderr


def test_runs_of_two_states_that_start_in_the_same_second_keep_both_files(tmp_path: Path) -> None:
    """Two cron entries start in the same second: both runs get the same name, and the one that ends
    second takes its state's tag instead of replacing the other's file. A run killed between the link
    and the unlink of its rename is settled by the next into one file."""
    pattern, started = str(tmp_path / "articles-{run}.jsonl"), datetime(2026, 11, 22, 3, 30, tzinfo=UTC)
    first_state, second_state = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    for state in (first_state, second_state):
        run_output(pattern, started, state)[0].write_text(f"{state}\n")
    [first] = finish_outputs(pattern, first_state)
    assert first.name == "articles-20261122T033000Z.jsonl"
    tagged = tmp_path / f"articles-20261122T033000Z-{state_tag(second_state)}.jsonl"
    os.link(run_output(pattern, started, second_state)[0], tagged)  # killed between link and unlink
    assert finish_outputs(pattern, second_state) == [tagged]
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == [f"{first_state}\n", f"{second_state}\n"]


def test_a_state_no_backend_reads_is_a_usage_error(tmp_path: Path) -> None:
    process = scraper(
        "crawl",
        "https://example.com/sitemap.xml",
        "--state",
        "ftp://host/state",
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == USAGE
    assert (
        stderr.decode()
        .strip()
        .splitlines()[-1]
        .endswith("--state ftp://host/state: no crawl-state backend for 'ftp' (known: redis, rediss)")
    )
