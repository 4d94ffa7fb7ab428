"""Archive-first crawling: `scraper crawl --warc DIR` over the local test site (its HTML sent gzipped),
the archive checked with `warcio check`, re-cleaned with `scraper clean DIR`, rotated, and left behind by
a SIGKILL mid-crawl."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support.commands import FAST, HELD, children, clean, crawl_args, scraper_crawl
from tests.support.fault_site import FaultSite
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import parse_lines, read_lines
from tests.support.waiting import wait_for
from tests.support.warcs import archive, check, records, responses

NAME = re.compile(r"^newsclean-\d{14}-(?P<worker>[\w.-]+)-(?P<serial>\d{5})\.warc\.gz$")


def warc_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def assert_valid(folder: Path) -> list[Path]:
    """Every file closed, well named, opening with its warcinfo, and passing `warcio check`."""
    files = warc_files(folder)
    assert files and all(NAME.match(f.name) for f in files), [f.name for f in files]
    for path in files:
        done = check(path)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        first = records(path)[0]
        assert first.type == "warcinfo" and first.headers["WARC-Filename"] == path.name
    return files


def assert_clean_gives_the_crawls_articles(folder: Path, crawled: list[dict[str, Any]]) -> None:
    """`scraper clean` over the archive gives every article the crawl emitted, field for field (URL, body,
    hash, fetch time...); whatever else it gives are pages the crawl did not emit as they were not
    articles, or copies of an emitted article (same canonical URL and content: an AMP page)."""
    done = clean(folder)
    assert done.returncode == 0, done.stderr[-2000:]
    cleaned = parse_lines(done.stdout)
    assert all(a in cleaned for a in crawled)
    emitted = {(a["canonical_url"], a["content_hash"]) for a in crawled}
    for extra in (a for a in cleaned if a not in crawled):
        assert not extra["is_article"] or (extra["canonical_url"], extra["content_hash"]) in emitted, extra[
            "url"
        ]


@pytest.fixture(scope="module")
def site() -> Any:
    news = NewsSite(12, compress=True)
    with Served(news):
        yield news


@pytest.fixture(scope="module")
def crawled(site: NewsSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str]]:
    """The crawl's output, its WARC folder, and the paths it requested from the site."""
    tmp = tmp_path_factory.mktemp("warc")
    output, folder = tmp / "articles.jsonl", tmp / "warc"
    log = ["-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={tmp / 'crawl.log'}"]  # Scrapy's stats, at the end
    scraper_crawl(site, tmp, output, "--state", str(tmp / "state.sqlite"), "--warc", str(folder), *log)
    return output, folder, set(site.hits)


def received(folder: Path) -> Counter[str]:
    """How many responses of each status the crawl received, by Scrapy's own count (its stats dump): a
    response that a loaded machine got too late (after the download timeout) is not among them."""
    log = (folder.parent / "crawl.log").read_text("utf-8")
    counts = re.findall(r"'downloader/response_status_count/(\d+)': (\d+)", log)
    assert counts, log[-2000:]
    return Counter({status: int(n) for status, n in counts})


def test_every_response_is_archived_with_its_request(
    site: NewsSite, crawled: tuple[Path, Path, set[str]]
) -> None:
    _, folder, requested = crawled
    files = assert_valid(folder)
    info = records(files[0])[0].payload.decode()
    assert re.search(r"^software: newsclean/\S+ \(Scrapy/\S+, warcio/\S+\)\r$", info, re.M)
    settings = json.loads(re.search(r"^crawl-settings: (.*)\r$", info, re.M)[1])
    assert settings["WARC_DIR"] == str(folder) and settings["ROBOTSTXT_OBEY"] is True
    everything = archive(folder)
    answered = [r for r in everything if r.type == "response"]
    assert {r.uri.removeprefix(site.base) for r in answered} == requested  # every page the site answered
    by_id = {r.headers["WARC-Record-ID"]: r for r in answered}
    requests = [r for r in everything if r.type == "request"]
    assert sorted(by_id[r.headers["WARC-Concurrent-To"]].uri for r in requests) == sorted(
        r.uri for r in answered
    )
    assert Counter(r.status for r in answered) == received(folder)  # each response the crawl received
    statuses = Counter((r.uri.removeprefix(site.base), r.status) for r in answered)
    for path in ("/robots.txt", "/sitemap_index.xml", "/sitemaps/news.xml", "/sitemaps/samples.xml.gz"):
        assert statuses[path, "200"] == 1, path  # robots.txt, sitemaps (gzipped too) ...
    assert statuses["/feed.rss", "200"] == statuses["/atom.xml", "200"] == 1  # ... feeds ...
    assert statuses["/news/old-link", "301"] == statuses["/news/moved-link", "302"] == 1  # ... redirects
    flaky = site.featured[3].path + "/flaky"
    # a failed try (the only 500 of the site, unless it came past the timeout) and its retry
    assert statuses[flaky, "200"] == 1 and statuses[flaky, "500"] == received(folder)["500"]
    assert statuses["/news/missing-story", "404"] == 1
    # HTML is kept as the server sent it, gzipped, and decodes to the page served.
    article = next(r for r in answered if r.uri == site.url(site.sitemap_articles[0].path))
    assert article.http["Content-Encoding"] == "gzip" and "Transfer-Encoding" not in article.http
    assert zlib.decompress(article.payload, zlib.MAX_WBITS | 16) == site.html_of(
        site.sitemap_articles[0].path
    )


def test_clean_over_the_archive_gives_the_crawls_articles(crawled: tuple[Path, Path, set[str]]) -> None:
    output, folder, _ = crawled
    crawled_articles = read_lines(output)
    assert crawled_articles and all(a["fetched_at"] for a in crawled_articles)
    assert_clean_gives_the_crawls_articles(folder, crawled_articles)


def test_files_rotate_at_the_size_given(site: NewsSite, tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    args = ["--state", ":memory:", "--warc", str(folder), "--warc-max-size", "40K"]
    scraper_crawl(site, tmp_path, tmp_path / "articles.jsonl", *args)
    files = assert_valid(folder)
    assert [int(NAME.match(f.name)["serial"]) for f in files] == list(range(len(files)))
    assert len(files) > 3
    # Past 40 KiB a file takes no more records: each holds at most one response beyond the limit.
    for path in files[:-1]:
        last = records(path)[-2:]
        assert path.stat().st_size - 40 * 1024 < sum(len(r.payload) for r in last) + 4096
    assert_clean_gives_the_crawls_articles(folder, read_lines(tmp_path / "articles.jsonl"))


def test_a_killed_crawl_leaves_readable_files_and_the_next_run_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    site = FaultSite(40, traps=False, samples=False)
    site.hold(after=10)
    state, folder = tmp_path / "state.sqlite", tmp_path / "warc"
    first = tmp_path / "run1.jsonl"
    with Served(site):
        base = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "--state", str(state)]
        base += ["--warc", str(folder), *FAST]
        with subprocess.Popen(
            [*base, *HELD, "-o", str(first)], cwd=tmp_path, start_new_session=True, stderr=subprocess.DEVNULL
        ) as crawl:
            wait_for(lambda: first.exists() and first.read_bytes().count(b"\n") == 10)
            # Stop the extraction workers, then let the held pages come: they are archived, and wait
            # in the item pipeline, never cleaned, when the crawl is killed.
            for worker in children(crawl.pid):
                os.kill(worker, signal.SIGSTOP)
            site.release()
            wait_for(lambda: sum(responses(folder).values()) >= 20)
            os.killpg(crawl.pid, signal.SIGKILL)
        (left_open,) = folder.iterdir()
        assert left_open.name.endswith(".warc.gz.open")
        archived = responses(folder)  # warcio reads the open file to its end: every record is whole
        emitted_first = {a["url"] for a in read_lines(first)}
        waiting = {site.url(path) for path in site.articles} & set(archived) - emitted_first
        assert len(emitted_first) == 10 and waiting
        # A kill in the middle of a write leaves part of a record: warcio reads every whole one.
        last = left_open.read_bytes()[-3000:]
        with open(left_open, "ab") as file:
            file.write(last[: len(last) // 2])
        with open(left_open, "rb") as file, pytest.raises(Exception):  # noqa: B017 (warcio's own errors)
            for _ in ArchiveIterator(file):
                pass

        second = scraper_crawl(
            site, tmp_path, tmp_path / "run2.jsonl", "--state", str(state), "--warc", str(folder)
        )
    assert second["from_archive"] == second["rejudged"] == len(waiting)
    assert not any(f.name.endswith(".open") for f in folder.iterdir())
    assert_valid(folder)  # the killed run's file settled: its partial record cut off, its name final
    articles = {site.url(path) for path in site.articles}
    emitted = Counter(a["url"] for run in (first, tmp_path / "run2.jsonl") for a in read_lines(run))
    assert emitted == Counter(articles)  # each article once
    assert {url: n for url, n in responses(folder).items() if url in articles} == dict.fromkeys(articles, 1)


@pytest.mark.parametrize("revisits", [True, False], ids=["revisits", "default"])
def test_an_unchanged_page_fetched_again_is_a_revisit_record_when_asked(
    tmp_path: Path, revisits: bool
) -> None:
    site = NewsSite(3, traps=False, samples=False)
    folder = tmp_path / "warc"
    args = ["--state", str(tmp_path / "state.sqlite"), "--warc", str(folder)]
    args += ["--warc-revisits"] if revisits else []
    again = site.sitemap_articles[0]
    with Served(site):
        scraper_crawl(site, tmp_path, tmp_path / "run1.jsonl", *args)
        again.lastmod = "2026-12-01T00:00:00+00:00"  # a newer lastmod, the same page
        second = scraper_crawl(site, tmp_path, tmp_path / "run2.jsonl", *args)
    assert site.hits[again.path] == 2 and second["skipped_unchanged"] == 1
    assert_valid(folder)
    captures = [r for r in archive(folder) if r.uri == site.url(again.path) and r.type != "request"]
    first = captures[0]
    assert first.type == "response"
    if not revisits:  # the default: a full response again
        assert [r.type for r in captures] == ["response", "response"] and second["revisits"] == 0
        return
    [revisit] = captures[1:]
    assert revisit.type == "revisit" and revisit.payload == b"" and second["revisits"] == 1
    assert revisit.headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert revisit.headers["WARC-Payload-Digest"] == first.headers["WARC-Payload-Digest"]
    assert revisit.headers["WARC-Refers-To-Target-URI"] == first.uri
    assert revisit.headers["WARC-Refers-To-Date"] == first.headers["WARC-Date"]
