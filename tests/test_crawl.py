"""`scrapy crawl news` over the local test site (tests/support/news_site.py), in a subprocess from the project
root, with a feed export: the exact set of emitted articles, their cleaned fields, the traps survived."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scraper import extract
from scraper.status import PARTIAL
from tests.support.commands import FAST
from tests.support.news_site import NewsSite, Served, article_html
from tests.support.outputs import read_lines
from tests.support.samples import ROOT


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    site = NewsSite(16)
    with Served(site):
        yield site


@pytest.fixture(scope="module")
def crawl(
    site: NewsSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("crawl")
    started = datetime.now(UTC)
    command = [
        *("scrapy", "crawl", "news", "-O", str(tmp / "articles.jsonl")),
        *("-a", f"sitemap={site.url('/sitemap_index.xml')}"),
        *("-a", f"feed={site.url('/feed.rss')} {site.url('/atom.xml')}"),
        *(
            "-a",
            f"start={site.url('/section/world')}",
            "-a",
            "article=^/news/ ^/private/",
            "-a",
            "follow=^/section/",
        ),
        *("-s", f"CRAWL_STATE={tmp / 'state.sqlite'}", "-s", f"CRAWL_SUMMARY={tmp / 'summary.json'}", *FAST),
    ]
    scrapy = Path(sys.executable).parent / "scrapy"  # the `scrapy` command of this environment
    done = subprocess.run([str(scrapy), *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    articles = read_lines(tmp / "articles.jsonl")
    # fetched_at: the response time, in the crawl
    assert all(started < datetime.fromisoformat(a["fetched_at"]) < datetime.now(UTC) for a in articles)
    return articles, json.loads((tmp / "summary.json").read_text("utf-8"))


def expected_pages(site: NewsSite) -> dict[str, bytes]:
    """Canonical URL -> served HTML, for every page the crawl must emit."""
    pages = {site.url(a.path): article_html(a, site.url(a.path)) for a in site.articles.values()}
    pages |= {s.canonical: s.html for s in site.samples if s.is_article}
    return pages


def test_emits_exactly_the_articles_once(
    site: NewsSite, crawl: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    articles, summary = crawl
    canonical = [a["canonical_url"] for a in articles]
    assert sorted(canonical) == sorted(expected_pages(site))  # no duplicates, nothing missing, nothing extra
    assert summary["articles_emitted"] == len(articles)


def test_cleaned_fields_are_those_of_scraper_extract(
    site: NewsSite, crawl: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    pages = expected_pages(site)
    for article in crawl[0]:
        page = pages[article["canonical_url"]]
        assert article == extract(page, article["url"], fetched_at=article["fetched_at"]).to_dict()


def test_generated_articles_lose_their_boilerplate(
    site: NewsSite, crawl: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    emitted = {a["canonical_url"]: a for a in crawl[0]}
    for generated in site.articles.values():
        article = emitted[site.url(generated.path)]
        assert (article["title"], article["authors"]) == (generated.title, [generated.author])
        assert article["published"] == generated.published
        assert article["body"].split("\n\n") == generated.paragraphs
    # Served from 127.0.0.1, a sample still gets the cleaner of its real address, found through its
    # canonical URL.
    for sample in (s for s in site.samples if s.is_article):
        assert (
            emitted[sample.canonical]["cleaner"]
            == extract(sample.html, sample.canonical).to_dict()["cleaner"]
        )


def test_traps(site: NewsSite, crawl: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    summary = crawl[1]
    flaky, slow = (f"{a.path}/{kind}" for a, kind in zip(site.featured[3:5], ("flaky", "slow"), strict=True))
    assert site.hits[flaky] == 2  # a 500 (with Retry-After), then a 200
    assert site.hits[slow] == 1
    reset, stalled = (a.path for a in site.featured[5:7])
    assert site.hits[reset] == site.hits[stalled] == 2  # a connection reset, a timeout: both retried
    assert site.hits["/news/old-link"] == site.hits["/news/moved-link"] == 1  # the redirect chain
    assert "/private/leaked-memo" not in site.hits  # disallowed by robots.txt: never requested
    # The broken link and the disallowed path are article pages; every sitemap and feed was read.
    assert summary["errors"] == {"discovery": {}, "article": {"http_404": 1, "robots_txt": 1}}
    not_articles = 1 + sum(not s.is_article for s in site.samples)  # /news/topics, a sample section page
    assert summary["not_articles"] == not_articles
    assert summary["skipped_unchanged"] == 1  # the AMP copy: the same canonical URL and content
    assert summary["finish_reason"] == "finished"
    assert summary["status"] == PARTIAL
