"""`scraper clean` over WARC files on an HTTP server (127.0.0.1), listings, and the site filter: streamed
downloads that break and resume without a record twice, servers with and without Range requests, a file
that fails for good (named, the batch goes on, exit 4), and the records of other sites left unread."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from scraper.status import INCOMPLETE, OK, PARTIAL, USAGE
from tests.support.commands import clean
from tests.support.outputs import parse_lines
from tests.support.pages import article_page
from tests.support.warc_server import FileServer
from tests.support.warcs import response, write_warc

FAST = ("--retry-backoff", "0")


def write_dump(path: Path, count: int, site: str = "example.com") -> list[str]:
    """A .warc.gz of `count` article pages; returns their URLs."""
    urls = [f"https://www.{site}/{path.stem}/{n}" for n in range(count)]
    write_warc(path, ((url, f"Story {n} of {path.name}") for n, url in enumerate(urls)))
    return urls


def urls_of(stdout: bytes) -> Counter[str]:
    return Counter(article["url"] for article in parse_lines(stdout))


@pytest.mark.parametrize("ranges", [True, False], ids=["range-requests", "no-ranges"])
def test_a_broken_download_resumes_where_it_broke_without_a_record_twice(
    tmp_path: Path, ranges: bool
) -> None:
    urls = write_dump(tmp_path / "a.warc.gz", 30)
    size = (tmp_path / "a.warc.gz").stat().st_size
    with FileServer(tmp_path, ranges=ranges) as server:
        server.cut["a.warc.gz"] = size // 2  # mid-record
        result = clean(server.url("a.warc.gz"), "-j", "1", *FAST)

    assert result.returncode == OK, result.stderr
    assert urls_of(result.stdout) == Counter(urls)
    second = f"bytes={size // 2}-"  # the same byte again: a Range request, or the file skipped to it
    assert server.requests == [("a.warc.gz", None), ("a.warc.gz", second)]


def test_unavailable_files_are_retried_with_backoff(tmp_path: Path) -> None:
    urls = write_dump(tmp_path / "a.warc.gz", 5)
    with FileServer(tmp_path) as server:
        server.unavailable["a.warc.gz"] = 2
        result = clean(server.url("a.warc.gz"), "--retries", "2", *FAST)

    assert result.returncode == OK, result.stderr
    assert urls_of(result.stdout) == Counter(urls)
    assert len(server.requests) == 3


def test_a_file_that_fails_for_good_is_named_and_the_batch_goes_on(tmp_path: Path) -> None:
    first, last = write_dump(tmp_path / "first.warc.gz", 4), write_dump(tmp_path / "last.warc.gz", 4)
    broken = write_dump(tmp_path / "broken.warc.gz", 100)
    listing = tmp_path / "warc.paths.gz"
    names = ["first.warc.gz", "missing.warc.gz", "down.warc.gz", "broken.warc.gz", "last.warc.gz"]
    listing.write_bytes(gzip.compress("".join(f"{name}\n" for name in names).encode()))
    errors = tmp_path / "errors.jsonl"
    with FileServer(tmp_path) as server:
        server.unavailable["down.warc.gz"] = 99
        # It breaks off two thirds in, and the server stays down for it.
        server.cut["broken.warc.gz"] = (tmp_path / "broken.warc.gz").stat().st_size * 2 // 3
        server.down_after["broken.warc.gz"] = 1
        base = server.url("")
        result = clean(listing, "--base-url", base, "--retries", "1", "--errors", errors, "-j", "1", *FAST)

    assert result.returncode == INCOMPLETE, result.stderr
    found = urls_of(result.stdout)
    assert set(first + last) <= set(found)
    assert max(found.values()) == 1
    assert 0 < len(set(broken) & set(found)) < len(broken)  # what came before the break is kept
    stderr = result.stderr.decode().splitlines()
    assert f"{base}missing.warc.gz: download failed: HTTP 404" in stderr
    assert f"{base}down.warc.gz: download failed: HTTP 503 (tried 2 times)" in stderr
    assert any(line.startswith(f"{base}broken.warc.gz: download failed: ") for line in stderr)
    assert stderr[-1] == "3 inputs could not be read whole: their articles are missing (named above)"
    assert {json.loads(line)["source"] for line in errors.read_text().splitlines()} == {
        f"{base}{name}" for name in ("missing.warc.gz", "down.warc.gz", "broken.warc.gz")
    }


def test_listing_lines_resolve_against_a_url_or_a_folder(tmp_path: Path) -> None:
    (tmp_path / "crawl-data").mkdir()
    one = write_dump(tmp_path / "crawl-data" / "one.warc.gz", 3)
    two = write_dump(tmp_path / "two.warc.gz", 2)
    with FileServer(tmp_path) as server:
        listing = tmp_path / "warc.paths"
        listing.write_text(f"# CC-NEWS, November\ncrawl-data/one.warc.gz\n\n{server.url('two.warc.gz')}\n")
        remote = clean(listing, "--base-url", server.url(""))
        local = clean(listing, "--base-url", tmp_path)

    assert remote.returncode == OK, remote.stderr
    assert urls_of(remote.stdout) == Counter(one + two)
    assert local.returncode == OK, local.stderr
    assert urls_of(local.stdout) == Counter(one + two)


def test_the_site_filter_keeps_the_sites_records_and_leaves_the_others_unread(tmp_path: Path) -> None:
    warc = tmp_path / "cc-news.warc.gz"
    kept = ["https://www.arabnews.com/node/1", "https://arabnews.com/node/2", "https://m.theweek.com/news/3"]
    others = ["https://www.notarabnews.com/a", "https://example.com/b", "https://theweek.com.example.org/c"]
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url in kept:
            response(writer, url, article_page(f"Story {url[-1]}").encode(), "text/html; charset=utf-8")
        for url in others:  # bytes that would fail as a page, if they were read
            response(writer, url, b"\x00\x01\x02" * 500, "text/html")
    sites = tmp_path / "sites.txt"
    sites.write_text("# ours\ntheweek.com\n")

    result = clean(warc, "--site", "arabnews.com", "--sites", sites)

    assert result.returncode == OK, result.stderr
    assert urls_of(result.stdout) == Counter(kept)
    assert result.stderr.decode().splitlines()[0].startswith("records seen 6, kept 3, articles 3 (")
    unfiltered = clean(warc)
    assert unfiltered.returncode == PARTIAL  # the other records are not pages: read, they fail
    assert unfiltered.stderr.decode().count("binary data") == 3


def test_site_known_means_the_sites_that_have_a_cleaner(tmp_path: Path) -> None:
    warc = tmp_path / "mixed.warc.gz"
    urls = [
        "https://www.nknews.org/2026/11/a/",
        "https://www.example.com/b",
        "https://www.devdiscourse.com/c",
    ]
    write_warc(warc, ((url, f"Page {n}") for n, url in enumerate(urls)))

    result = clean(warc, "--site", "known")

    assert result.returncode in (OK, PARTIAL), result.stderr
    assert set(urls_of(result.stdout)) == {urls[0], urls[2]}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--site", "localhost"], "--site: not a domain: 'localhost'"),
        (["--site", ","], "--site and --sites name no site"),
        (["--base-url", "https://data.commoncrawl.org/"], "--base-url resolves the lines of a listing"),
        (["--ray", "auto"], "--ray and --split-mb write one shard per input: they need -o FOLDER/"),
        (["--retries", "-1"], "--retries and --retry-backoff cannot be negative"),
    ],
)
def test_usage_errors_of_remote_inputs_and_filters(tmp_path: Path, args: list[str], message: str) -> None:
    write_dump(tmp_path / "a.warc.gz", 1)

    result = clean(tmp_path / "a.warc.gz", *args)

    assert result.returncode == USAGE
    assert message in result.stderr.decode()


def test_a_listing_that_cannot_be_read_is_a_usage_error(tmp_path: Path) -> None:
    with FileServer(tmp_path) as server:
        result = clean(server.url("warc.paths.gz"), "--retries", "0")

    assert result.returncode == USAGE
    assert f"cannot read the listing {server.url('warc.paths.gz')}: HTTP 404" in result.stderr.decode()
