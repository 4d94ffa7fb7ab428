"""A site cleaner may fail, never erase: a page its layouts no longer fit, or where its body is far
shorter than the page promises, is cleaned by the generic cleaner, the record says so, and
`scraper clean` counts the fallbacks per site."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from cleaners import cleaner_for
from scraper import extract
from scraper.bench_score import body_match
from scraper.pipeline import analyse
from tests.support.commands import scraper_crawl
from tests.support.news_site import NewsSite, Served
from tests.support.outputs import read_lines
from tests.support.redesign import containers_renamed
from tests.support.samples import sample_pages

SITES = ("arabnews.com", "devdiscourse.com", "naija247news.com", "nknews.org", "theweek.com")


def first_sample(site: str) -> tuple[Path, dict]:
    page = next(page for page in sample_pages() if page.parent.name == site)
    return page, orjson.loads(page.with_suffix(".json").read_bytes())


@pytest.mark.parametrize("site", SITES)
def test_a_redesigned_page_of_each_seed_site_comes_out_whole(site: str, tmp_path: Path) -> None:
    """The site cleaner fails on the redesigned page; the generic cleaner recovers the whole article;
    the record names the site cleaner, and `scraper clean` counts the fallback for the site."""
    page, expected = first_sample(site)
    redesigned = tmp_path / f"{page.stem}.html"
    redesigned.write_text(containers_renamed(page.read_text("utf-8"), site), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "clean", redesigned, "--url", expected["url"]],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    article = orjson.loads(done.stdout)
    assert article["cleaner"]["name"] == "generic"
    assert article["cleaner"]["fallback_from"] == expected["cleaner"]["name"]
    tp, fp, fn = body_match(expected["body"], article["body"])
    assert tp / (tp + fn) >= 0.9 and tp / (tp + fp) >= 0.8
    assert f"site cleaners that fell back to the generic one: {site} 1" in done.stderr.decode()


def test_the_summary_counts_fallbacks_per_site(tmp_path: Path) -> None:
    """Two sites fail, one of them twice; the untouched pages are not counted."""
    for site, copies in (("theweek.com", 2), ("nknews.org", 1)):
        page, _ = first_sample(site)
        for n in range(copies):
            (tmp_path / f"{site}-{n}.html").write_text(containers_renamed(page.read_text("utf-8"), site))
    page, _ = first_sample("arabnews.com")
    (tmp_path / "arabnews-as-is.html").write_bytes(page.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "clean", tmp_path], capture_output=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    fallbacks = [orjson.loads(line)["cleaner"]["fallback_from"] for line in done.stdout.splitlines()]
    assert sorted(filter(None, fallbacks)) == ["nknews", "theweek", "theweek"]
    assert "fell back to the generic one: nknews.org 1, theweek.com 2" in done.stderr.decode()


def test_a_body_far_shorter_than_the_page_promises_goes_to_the_generic_cleaner() -> None:
    """The site's body selector still matches, but the new theme moved the text out of it: the page's
    JSON-LD articleBody says what the story holds, and the generic cleaner finds it."""
    paras = [
        f"Paragraph {n} of the story tells how the ferry company added winter sailings to the islands."
        for n in range(8)
    ]
    body = " ".join(paras)
    html = f"""<html><head><title>Ferry adds winter sailings | The Week</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Ferry adds winter sailings",
"articleBody": "{body}"}}</script></head><body>
<article class="news-article"><header><h1>Ferry adds winter sailings</h1></header>
<div id="article-body"><p>{paras[0]}</p><p>{paras[1]}</p></div>
<div class="article-text-v2">{"".join(f"<p>{p}</p>" for p in paras[2:])}</div></article></body></html>"""
    _, cleaned = analyse(html, "https://theweek.com/news/ferry-winter-sailings")
    assert cleaned.cleaner == "generic" and cleaned.fallback_from == "theweek"
    assert cleaned.removed[0][0] == "fallback" and "promises" in cleaned.removed[0][1]
    article = extract(html, "https://theweek.com/news/ferry-winter-sailings")
    assert article.body.split("\n\n") == paras


def test_a_working_site_cleaner_is_not_second_guessed() -> None:
    for site in SITES:
        page, expected = first_sample(site)
        article = extract(page.read_bytes(), url=expected["url"])
        assert article.cleaner.name == expected["cleaner"]["name"] and article.cleaner.fallback_from is None


def test_a_crawl_counts_fallbacks_per_site(tmp_path: Path) -> None:
    """The test site serves every seed site's samples redesigned: the crawl emits each article, and
    its summary counts the fallbacks per site, so an operator learns the day a site changed."""
    site = NewsSite(2, traps=False)
    hosts = []
    for sample in site.samples:
        host = sample.path.split("/")[1]
        if cleaner_for(host) is not None:
            sample.html = containers_renamed(sample.html.decode("utf-8"), host).encode("utf-8")
            hosts.append(host.removeprefix("www."))
    with Served(site):
        summary = scraper_crawl(site, tmp_path, tmp_path / "out.jsonl", "--state", ":memory:")
    per_site = Counter(hosts)
    assert summary["cleaner_fallbacks"] == dict(per_site)
    articles = read_lines(tmp_path / "out.jsonl")
    redesigned = [a for a in articles if a["cleaner"]["fallback_from"]]
    assert len(redesigned) == sum(per_site.values())
    assert all(a["cleaner"]["name"] == "generic" and a["word_count"] > 100 for a in redesigned)
