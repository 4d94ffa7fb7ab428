"""The crawl's parts on their own: discovery parsing, the site configs, the state store and the repair of
an output file after a kill. Real files and SQLite databases, no server."""

from __future__ import annotations

import asyncio
import gc
import json
import os
from pathlib import Path

import orjson
import pytest

from scraper.cli import main
from scraper.limits import PageTimeout
from scraper.sinks.compression import compression_of
from spiders import discovery
from spiders.articles import extract_page
from spiders.jsonl import Appender, recover
from spiders.news import find_site, known_sites
from spiders.state import open_state
from spiders.state.sqlite import SQLiteState
from spiders.workers import WorkerDied, WorkerPool
from tests.support.samples import SAMPLES

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://example.com/a</loc><news:news><news:publication_date>2026-11-02T10:00:00+01:00</news:publication_date></news:news></url>
  <url><loc>/b</loc><lastmod>2026-11-03</lastmod></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel>
<item><title>A</title><link>https://example.com/a?utm_source=rss#top</link>
<pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><link rel="enclosure" href="https://example.com/a.mp3"/><link href="https://example.com/a"/>
<updated>2026-11-02T09:00:00Z</updated></entry></feed>"""


def test_discovery_reads_sitemaps_and_feeds_with_their_dates() -> None:
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>s.xml.gz</loc></sitemap></sitemapindex>'
    assert discovery.sniff(index) is discovery.Kind.SITEMAP_INDEX
    assert discovery.entries(index, "https://example.com/") == [
        discovery.Entry("https://example.com/s.xml.gz", None)
    ]
    assert discovery.sniff(NEWS_SITEMAP) is discovery.Kind.URLSET
    assert discovery.entries(NEWS_SITEMAP, "https://example.com/x.xml") == [
        discovery.Entry("https://example.com/a", "2026-11-02T10:00:00+01:00"),
        discovery.Entry("https://example.com/b", "2026-11-03"),
    ]
    assert discovery.sniff(RSS) is discovery.sniff(ATOM) is discovery.Kind.FEED
    (item,) = discovery.entries(RSS, "https://example.com/feed")
    assert (discovery.clean_url(item.url), item.lastmod) == (
        "https://example.com/a",
        "2026-11-02T09:00:00+00:00",
    )
    assert discovery.entries(ATOM, "https://example.com/atom") == [
        discovery.Entry("https://example.com/a", "2026-11-02T09:00:00+00:00")
    ]
    assert discovery.sniff(b"<!DOCTYPE html><html><body>") is discovery.Kind.HTML


def test_discovery_refuses_entities() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>'
    assert all("root:" not in e.url for e in discovery.entries(bomb, "https://example.com/"))


def test_links_are_absolute_clean_and_unique() -> None:
    page = b"""<html><head><base href="https://example.com/news/"></head><body>
    <a href="a">A</a><a href="/b?utm_medium=x&id=3#c">B</a><a href="a">again</a>
    <a href="mailto:x@y">m</a></body></html>"""
    assert discovery.links(page, "https://ignored.example/") == [
        "https://example.com/news/a",
        "https://example.com/b?id=3",
    ]


@pytest.mark.parametrize("site_dir", sorted(p for p in SAMPLES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_seed_site_configs_match_their_sample_urls(site_dir: Path) -> None:
    site = find_site(site_dir.name)
    if site is None:
        pytest.skip(f"{site_dir.name} has no spider (the generic spider crawls it)")
    urls = [json.loads(p.read_text("utf-8")) for p in site_dir.glob("*.json")]
    for expected in urls:
        assert site.is_article(expected["url"]) == expected["is_article"], expected["url"]
    assert all(site.owns(url) for url in site.start)


def test_every_seed_site_has_a_spider() -> None:
    assert set(known_sites()) >= {"arabnews", "devdiscourse", "theweek", "naija247news", "nknews"}
    assert find_site("www.nknews.org") is find_site("nknews")


def test_state_fetches_only_unseen_or_newer(tmp_path: Path) -> None:
    state = open_state(str(tmp_path / "state.sqlite"))
    assert state.should_fetch("https://e.com/a", None)
    state.mark_fetched(["https://e.com/a", "https://e.com/a-old"], "2026-11-02T10:00:00+01:00")
    assert not state.should_fetch("https://e.com/a", None)
    assert not state.should_fetch("https://e.com/a-old", "2026-11-02T09:00:00Z")  # the same instant
    assert state.should_fetch("https://e.com/a", "2026-11-02T09:00:01Z")
    state.begin_emit("k", "h1", ["https://e.com/b"], None, None, 0, 10)
    assert not state.is_new("k", "h1") and state.is_new("k", "h2")
    assert not state.should_fetch("https://e.com/b", None)
    state.close()
    assert not SQLiteState(tmp_path / "state.sqlite").should_fetch("https://e.com/a", None)  # it persists


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst"])
def test_recover_keeps_whole_lines_and_cuts_partial_ones(tmp_path: Path, name: str) -> None:
    """A compressed output holds a member per line: the block the state points at."""
    state = SQLiteState(tmp_path / "state.sqlite")
    out = Appender(str(tmp_path / name))
    lines = [orjson.dumps({"content_hash": f"h{i}"}) + b"\n" for i in range(3)]
    blocks = [out.encode(line) for line in lines]
    for i, block in enumerate(blocks):
        state.begin_emit(f"k{i}", f"h{i}", [f"https://e.com/{i}"], None, out.path, out.offset(), len(block))
        out.write(block if i < 2 else block[:5])  # the third write is cut short by a kill
    state.end_emit("k0")
    out.close()
    assert recover(state) == (1, 1)  # k1 reached the file (confirmed), k2 did not (forgotten)
    assert (tmp_path / name).read_bytes() == blocks[0] + blocks[1]
    assert compression_of(name).open_read(str(tmp_path / name)).read() == lines[0] + lines[1]
    assert list(state.pending()) == []
    assert state.should_fetch("https://e.com/2", None) and not state.should_fetch("https://e.com/1", None)


def test_cli_rejects_unknown_sites_and_bad_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "no-such-site"]) == 2
    assert "unknown site no-such-site" in capsys.readouterr().err
    assert main(["crawl", "arabnews", "--since", "yesterday-ish"]) == 2


def _halve_or_die(n: int) -> int:
    if n == 0:
        os._exit(1)  # a crash that takes the worker process down
    if n < 0:
        raise ValueError(n)
    return n // 2


def test_worker_pool_returns_raises_and_survives_a_dead_worker() -> None:
    async def scenario() -> None:
        pool = WorkerPool(2, _halve_or_die, gc.collect)
        try:
            assert await asyncio.gather(*(pool.run(n) for n in range(2, 12, 2))) == [1, 2, 3, 4, 5]
            with pytest.raises(ValueError):
                await pool.run(-1)
            with pytest.raises(WorkerDied):
                await pool.run(0)
            assert await asyncio.gather(pool.run(8), pool.run(10)) == [4, 5]  # a new worker took its place
        finally:
            pool.close()

    asyncio.run(scenario())


def test_extraction_in_a_crawl_worker_has_a_time_limit() -> None:
    # 200,000 paragraphs take about 8 s to extract: far over the 4 s limit; five take milliseconds.
    paragraph = b"<p>The council voted on the harbour plan after a debate of four hours.</p>"
    head, url = b"<html><head><title>Harbour plan</title></head><body>", "https://example.com/news/plan"
    with pytest.raises(PageTimeout, match=r"^took longer than 4 s \(the page time limit\)$"):
        extract_page(head + paragraph * 200_000, url, None, None, 4)
    assert extract_page(head + paragraph * 5, url, None, None, 4)["title"] == "Harbour plan"
