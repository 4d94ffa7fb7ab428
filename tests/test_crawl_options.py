"""`scraper crawl --lang` and `--body/--with` over the local test site: articles in other languages are
counted, not emitted; the records are those `scraper.extract` gives with the same options."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper import extract
from tests.support.commands import scraper_crawl
from tests.support.news_site import NewsSite, Served, article_html
from tests.support.outputs import read_lines


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    site = NewsSite(3, traps=False, samples=False)  # English articles
    with Served(site):
        yield site


def test_other_languages_are_counted_not_emitted(site: NewsSite, tmp_path: Path) -> None:
    summary = scraper_crawl(
        site, tmp_path, tmp_path / "articles.jsonl", "--state", ":memory:", "--lang", "de,fr"
    )
    assert summary["skipped_language"] == 3 and summary["articles_emitted"] == 0
    assert summary["status"] == 0
    assert not (tmp_path / "articles.jsonl").exists() or not read_lines(tmp_path / "articles.jsonl")


def test_structured_records(site: NewsSite, tmp_path: Path) -> None:
    output = tmp_path / "articles.jsonl"
    options = ("--lang", "en", "--body", "markdown", "--with", "links,images")
    summary = scraper_crawl(site, tmp_path, output, "--state", ":memory:", *options)
    assert summary["articles_emitted"] == 3 and summary["skipped_language"] == 0
    pages = {site.url(a.path): article_html(a, site.url(a.path)) for a in site.articles.values()}
    for record in read_lines(output):
        assert record["body_format"] == "markdown" and record["links"] == [] and record["images"] == []
        expected = extract(
            pages[record["canonical_url"]],
            record["url"],
            body="markdown",
            with_=("links", "images"),
            fetched_at=record["fetched_at"],
        )
        assert record == expected.to_dict()
