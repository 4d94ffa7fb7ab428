"""`scraper crawl` from cron: overlapping runs on one state, killed runs, per-run output files, exit codes."""

from __future__ import annotations

import signal
from pathlib import Path

from scraper.lock import FAILED, LOCKED, OK, PARTIAL
from tests.crawl_site import NewsSite, Served
from tests.redis_server import free_port
from tests.test_distributed import crawl, emitted, lines, wait_for


def scheduled(base: str, tmp_path: Path) -> tuple[str, ...]:
    """The arguments a cron line would give: one state, one output file per run."""
    return (
        f"{base}/sitemap_index.xml",
        "--state",
        str(tmp_path / "state.sqlite"),
        "-o",
        str(tmp_path / "out-{run}.jsonl"),
    )


def test_overlapping_runs_never_both_crawl(tmp_path: Path) -> None:
    site = NewsSite(100, traps=False, samples=False)
    with Served(site) as base:
        runs = [crawl(*scheduled(base, tmp_path)) for _ in range(2)]
        codes = [run.wait(timeout=60) for run in runs]
    assert sorted(codes) == [OK, LOCKED]
    refused = runs[codes.index(LOCKED)].stderr.read().decode()  # type: ignore[union-attr]
    assert "another crawl holds" in refused and "not crawling" in refused
    assert {site.hits[path] for path in site.articles} == {1}  # one crawl fetched each page, once
    [output] = tmp_path.glob("out-*")  # finished: no .part left
    assert output.suffix == ".jsonl" and lines(output) == 100


def test_killed_run_is_settled_and_rolled_over_by_the_next(tmp_path: Path) -> None:
    site = NewsSite(300, traps=False, samples=False)
    with Served(site) as base:
        first = crawl(*scheduled(base, tmp_path))
        wait_for(lambda: any(lines(part) > 100 for part in tmp_path.glob("out-*.jsonl.part")))
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert crawl(*scheduled(base, tmp_path)).wait(timeout=60) == OK
    outputs = sorted(tmp_path.glob("out-*"))
    assert len(outputs) == 2 and all(out.suffix == ".jsonl" for out in outputs)
    counts = emitted(*outputs)
    assert set(counts) == {site.url(path) for path in site.articles} and set(counts.values()) == {1}


def test_exit_codes_say_partial_success_and_failure(tmp_path: Path) -> None:
    out = ("--state", ":memory:", "-o", str(tmp_path / "out.jsonl"))
    with Served(NewsSite(10, slow=0.1)) as base:  # a 404, a robots.txt-disallowed link, a flaky page
        partial = crawl(f"{base}/section/world", "--follow", "^/section/", *out)
        assert partial.wait(timeout=60) == PARTIAL
    unreachable = f"http://127.0.0.1:{free_port()}/sitemap.xml"
    failed = crawl(unreachable, *out, settings=("RETRY_TIMES=0",))
    assert failed.wait(timeout=60) == FAILED
    assert "connection_refused" in failed.stderr.read().decode()  # type: ignore[union-attr]
