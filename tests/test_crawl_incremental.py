"""`scraper crawl` run again and again over the local test site: incremental crawls with a state file, and
resuming a crawl killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support.commands import FAST, HELD, crawl_args, scraper_crawl
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import line_count, read_lines
from tests.support.waiting import wait_for


def canonicals(path: Path) -> set[str]:
    return {a["canonical_url"] for a in read_lines(path)}


def test_second_crawl_emits_only_new_and_changed_articles(tmp_path: Path) -> None:
    site = NewsSite(10)
    state = ["--state", str(tmp_path / "state.sqlite")]
    with Served(site):
        everything = {site.url(a.path) for a in site.articles.values()} | {
            s.canonical for s in site.samples if s.is_article
        }
        first = scraper_crawl(site, tmp_path, tmp_path / "run1.jsonl", *state)
        assert canonicals(tmp_path / "run1.jsonl") == everything and first["articles_emitted"] == len(
            everything
        )

        second = scraper_crawl(site, tmp_path, tmp_path / "run2.jsonl", *state)
        assert read_lines(tmp_path / "run2.jsonl") == []
        assert second["skipped_seen"] >= len(everything)  # feeds and sitemaps re-read, pages not re-fetched
        hits = dict(site.hits)

        added = site.add(2)
        changed = site.sitemap_articles[0]
        site.change(changed)
        scraper_crawl(site, tmp_path, tmp_path / "run3.jsonl", *state)
        assert canonicals(tmp_path / "run3.jsonl") == {site.url(a.path) for a in [*added, changed]}
        (update,) = (
            a for a in read_lines(tmp_path / "run3.jsonl") if a["canonical_url"] == site.url(changed.path)
        )
        assert update["body"].endswith("revised on Friday.")
        unchanged = site.sitemap_articles[1]
        assert site.hits[unchanged.path] == hits[unchanged.path]  # not fetched again

        (tmp_path / "state.sqlite").unlink()  # deleting the state starts afresh
        scraper_crawl(site, tmp_path, tmp_path / "run4.jsonl", *state)
        assert len(canonicals(tmp_path / "run4.jsonl")) == len(everything) + 2


def test_since_and_limit(tmp_path: Path) -> None:
    site = NewsSite(10, traps=False)
    with Served(site):
        since = site.articles[next(p for p in site.articles if p.endswith("-6"))].published
        summary = scraper_crawl(
            site, tmp_path, tmp_path / "since.jsonl", "--since", since, "--state", ":memory:"
        )
        recent = {site.url(a.path) for a in site.articles.values() if a.published >= since}
        assert canonicals(tmp_path / "since.jsonl") == recent and len(recent) == 5
        dated = sum(bool(s.lastmod) for s in site.samples)  # older samples: skipped by their sitemap date
        assert summary["skipped_old"] >= len(site.articles) - 5 + dated

        scraper_crawl(site, tmp_path, tmp_path / "limit.jsonl", "--limit", "3", "--state", ":memory:")
        assert len(read_lines(tmp_path / "limit.jsonl")) == 3


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path: Path, suffix: str) -> None:
    """Compressed, each line is a gzip member of its own: what the state points at, settled the same."""
    site = FaultSite(60, traps=False, samples=False)
    site.hold(after=10)  # the crawl cannot finish: the kill lands after exactly 10 articles
    job = tmp_path / "job"
    job.mkdir()
    with Served(site):
        command = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "-s", f"JOBDIR={job}"]
        command += ["--state", str(job / "crawl-state.sqlite"), *FAST]
        first = tmp_path / f"run1{suffix}"
        with subprocess.Popen(
            [*command, *HELD, "-o", str(first)],
            cwd=tmp_path,
            start_new_session=True,
            stderr=subprocess.DEVNULL,
        ) as crawl:
            wait_for(lambda: line_count(first) >= 10)
            os.killpg(crawl.pid, signal.SIGKILL)  # the crawler and its extraction workers
        assert len(read_lines(first)) == 10
        site.release()

        scraper_crawl(
            site,
            tmp_path,
            tmp_path / f"run2{suffix}",
            "-s",
            f"JOBDIR={job}",
            "--state",
            str(job / "crawl-state.sqlite"),
        )
        emitted = Counter(
            a["canonical_url"] for run in ("run1", "run2") for a in read_lines(tmp_path / f"{run}{suffix}")
        )
        assert emitted == Counter(site.url(a.path) for a in site.articles.values())  # each exactly once


# The crawl state as versions before the verdicts wrote it (user_version 0).
OLD_SCHEMA = """
CREATE TABLE pages (url TEXT PRIMARY KEY, lastmod TEXT NOT NULL);
CREATE TABLE articles (
    key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, urls TEXT NOT NULL, emitted TEXT NOT NULL,
    output TEXT, "offset" INTEGER, length INTEGER
);
"""


def test_a_state_file_of_the_previous_format_still_works(tmp_path: Path) -> None:
    site = NewsSite(6, traps=False, samples=False)
    served = Served(site)  # the site's address is known from here on
    state = tmp_path / "state.sqlite"
    done = list(site.articles.values())[:3]
    with sqlite3.connect(state) as db:  # three articles fetched and emitted by an older version
        db.executescript(OLD_SCHEMA)
        db.executemany("INSERT INTO pages VALUES (?, ?)", [(site.url(a.path), a.lastmod) for a in done])
    with served:
        first = scraper_crawl(site, tmp_path, tmp_path / "run1.jsonl", "--state", str(state))
        again = scraper_crawl(site, tmp_path, tmp_path / "run2.jsonl", "--state", str(state))
    new = [site.url(a.path) for a in site.articles.values() if a not in done]
    assert canonicals(tmp_path / "run1.jsonl") == set(new) and first["skipped_seen"] == 3
    assert not any(a.path in site.hits for a in done)  # seen before: not fetched
    assert read_lines(tmp_path / "run2.jsonl") == [] and again["rejudged"] == 0
    with sqlite3.connect(state) as db:  # migrated: the pages judged since have their verdicts
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT url FROM verdicts WHERE verdict = 'article'").fetchall() == sorted(
            (url,) for url in new
        )
