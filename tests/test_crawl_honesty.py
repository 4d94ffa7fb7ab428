"""Issue #12: no silent loss. Each case crawls the local test site (`tests/support/fault_site.py`) with a real
`scraper crawl` and checks the exit status, the summary (JSON and printed line) and the articles."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scraper.status import INCOMPLETE, OK, PARTIAL, WRITE_FAILED
from spiders import discovery
from tests.support.commands import FAST, crawl_args
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import emitted, read_lines
from tests.support.samples import ROOT
from tests.support.waiting import wait_for


@dataclass
class Run:
    status: int
    stderr: str
    summary: dict[str, Any]

    @property
    def line(self) -> str:
        """The summary line `scraper crawl` printed."""
        return next(line for line in self.stderr.splitlines() if line.startswith("scraper crawl: pages"))


def crawl(site: NewsSite, workdir: Path, starts: list[str], *extra: str, output: str = "out.jsonl") -> Run:
    summary = workdir / "summary.json"
    summary.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scraper", "crawl", *starts, "-o", output, *FAST]
    command += ["-s", f"CRAWL_SUMMARY={summary}", *extra]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=180)
    return Run(done.returncode, done.stderr, json.loads(summary.read_text()) if summary.exists() else {})


@pytest.fixture
def site() -> Iterator[FaultSite]:
    fault_site = FaultSite(12, traps=False, samples=False)
    with Served(fault_site):
        yield fault_site


def test_wordpress_sitemaps_with_a_stylesheet_and_rss_091_are_read(site: FaultSite, tmp_path: Path) -> None:
    assert discovery.sniff(b'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><urlset/>') is (
        discovery.Kind.URLSET
    )
    assert discovery.sniff(b'<?xml version="1.0"?><registry/>') is discovery.Kind.UNKNOWN_XML
    run = crawl(site, tmp_path, [site.url("/wp-sitemap.xml"), site.url("/rss091.xml")], "--state", ":memory:")
    assert run.status == OK, run.stderr
    assert emitted(tmp_path / "out.jsonl") == Counter(site.url(path) for path in site.articles)
    assert run.summary["errors"] == {"discovery": {}, "article": {}}


def test_a_sitemap_bomb_is_a_discovery_failure(site: FaultSite, tmp_path: Path) -> None:
    limit = ("-s", "SITEMAP_MAXSIZE=1000000")
    run = crawl(site, tmp_path, [site.url("/faults/bomb.xml.gz")], "--state", ":memory:", *limit)
    assert run.status == INCOMPLETE, run.stderr
    assert run.summary["errors"] == {"discovery": {"too_large": 1}, "article": {}}
    assert "Traceback" not in run.stderr
    assert "discovery errors: too_large 1" in run.line and "exit 4 (incomplete" in run.line


def test_a_redirect_loop_is_an_article_failure(site: FaultSite, tmp_path: Path) -> None:
    run = crawl(site, tmp_path, [site.url("/faults/loop.xml")], "--state", ":memory:")
    assert run.status == PARTIAL, run.stderr
    assert run.summary["errors"] == {"discovery": {}, "article": {"redirect_loop": 1}}
    assert run.summary["articles_emitted"] == 1
    assert "article errors: redirect_loop 1" in run.line


def test_a_child_sitemap_that_fails_for_good_makes_the_run_incomplete(
    site: FaultSite, tmp_path: Path
) -> None:
    run = crawl(site, tmp_path, [site.url("/faults/broken-index.xml")], "--state", ":memory:")
    assert run.status == INCOMPLETE, run.stderr
    assert run.summary["errors"] == {"discovery": {"http_503": 1}, "article": {}}
    assert emitted(tmp_path / "out.jsonl") == Counter(site.url(a.path) for a in site.sitemap_articles)
    assert "discovery errors: http_503 1; article errors: none" in run.line


def test_pdfs_and_images_are_skipped_and_a_windows_1252_page_is_read(site: FaultSite, tmp_path: Path) -> None:
    run = crawl(site, tmp_path, [site.url("/faults/media.xml")], "--state", ":memory:")
    assert run.status == OK, run.stderr
    assert run.summary["skipped_non_html"] == 2
    assert run.summary["errors"] == {"discovery": {}, "article": {}}
    [french] = [a for a in read_lines(tmp_path / "out.jsonl") if a["url"].endswith("/fr/secheresse")]
    assert "crème brûlée" in french["body"] and "idée naïve" in french["body"]
    assert "not HTML 2" in run.line and "exit 0 (complete)" in run.line


def test_two_crawls_sharing_a_run_folder_settle_only_their_own_files(tmp_path: Path) -> None:
    held, other = FaultSite(30, traps=False, samples=False), NewsSite(5, traps=False, samples=False)
    output = str(tmp_path / "out" / "articles-{run}.jsonl")
    (tmp_path / "out").mkdir()
    patient = ("-s", "DOWNLOAD_TIMEOUT=60")
    with Served(held), Served(other):
        held.hold(after=10)
        first_args = [*crawl_args(held), "-o", output, "--state", "a.sqlite", *FAST, *patient]
        first = subprocess.Popen([sys.executable, "-m", "scraper", "crawl", *first_args], cwd=tmp_path)
        try:
            wait_for(lambda: held.waiting > 0 and any((tmp_path / "out").glob("*.part")))
            [live_part] = (tmp_path / "out").glob("*.part")
            second = crawl(other, tmp_path, crawl_args(other), "--state", "b.sqlite", output=output)
            assert second.status == OK, second.stderr
            assert live_part.exists()  # the other crawl did not rename this live file
        finally:
            held.release()
        assert first.wait(timeout=120) == OK
    outputs = sorted((tmp_path / "out").iterdir())
    assert [o.suffix for o in outputs] == [".jsonl", ".jsonl"]  # both settled, each by its own crawl
    assert emitted(*outputs) == Counter(
        site.url(a.path) for site in (held, other) for a in site.articles.values()
    )


# -- a full disk (as root: a small tmpfs) --


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB file system of its own, to fill up; the test is skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        reason = done.stderr.decode(errors="replace").strip()
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {reason}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but `leave` bytes (give or take a page)."""
    filler = disk / "filler"
    free = subprocess.run(["df", "-B1", "--output=avail", str(disk)], capture_output=True, text=True)
    filler.write_bytes(bytes(int(free.stdout.split()[-1]) - leave))
    return filler


@pytest.mark.parametrize("full", ["output", "state"])
def test_a_full_disk_stops_the_crawl_with_74_and_the_next_run_completes(
    small_disk: Path, tmp_path: Path, full: str
) -> None:
    site = NewsSite(120, traps=False, samples=False)
    on_disk = {"output": small_disk / "articles-{run}.jsonl", "state": small_disk / "state.sqlite"}
    output = str(on_disk["output"] if full == "output" else tmp_path / "articles-{run}.jsonl")
    state = str(on_disk["state"] if full == "state" else tmp_path / "state.sqlite")
    with Served(site):
        filler = fill(small_disk, leave=150_000)
        first = crawl(site, tmp_path, crawl_args(site), "--state", state, output=output)
        assert first.status == WRITE_FAILED, first.stderr[-2000:]
        failed_file = output.replace("{run}", "") if full == "output" else state
        assert "No space left on device" in first.stderr or "disk is full" in first.stderr
        assert f"cannot write {Path(failed_file).parent}" in first.stderr
        assert len(first.stderr) < 5000  # one line per failure at most, never a page
        assert "write failed" in first.line and "exit 74 (write failed)" in first.line
        parts = list(Path(output).parent.glob("articles-*.part"))
        assert parts  # the unfinished output keeps its .part name
        filler.unlink()
        second = crawl(site, tmp_path, crawl_args(site), "--state", state, output=output)
        assert second.status == OK, second.stderr[-2000:]
    outputs = sorted(Path(output).parent.glob("articles-*"))
    assert all(o.suffix == ".jsonl" for o in outputs)
    assert emitted(*outputs) == Counter(site.url(path) for path in site.articles)


def test_clean_on_a_full_disk_exits_74_naming_the_file(small_disk: Path) -> None:
    samples = str(ROOT / "samples")
    output = small_disk / "articles.jsonl"
    filler = fill(small_disk, leave=12_000)  # the samples make about 35 KB of articles
    command = [sys.executable, "-m", "scraper", "clean", samples, "-o", str(output), "-j", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == WRITE_FAILED
    assert "Traceback" not in done.stderr
    [message] = [line for line in done.stderr.splitlines() if "No space left" in line]
    assert f"cannot write {output}.part" in message
    filler.unlink()
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == OK, resumed.stderr
    whole = subprocess.run([*command[:-4], "-j", "1"], capture_output=True, timeout=300).stdout
    assert sorted(output.read_bytes().splitlines()) == sorted(whole.splitlines())
