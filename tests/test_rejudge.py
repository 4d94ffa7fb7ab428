"""No verdict lasts forever: a page that a faulty cleaner judged "not an article" is judged again, and
emitted, once the cleaner's version changes, with no other change: from the crawl's archive when it
keeps one, else fetched again. The cleaner is a real site module, written by the test into a folder of
its own and registered beside `cleaners/` (`tests/support/with_cleaners.py`), so that the test can fix it
between two crawls."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.news_site import NewsSite, Response, Served, sitemap_xml
from tests.support.outputs import read_lines
from tests.support.samples import ROOT

PARAGRAPHS = [
    "The harbour board approved the new ferry timetable on Tuesday after a long debate.",
    "Boats will leave every forty minutes in summer and every hour in winter, the board said.",
    "Fishermen had asked for later sailings so that their catch could reach the market by dawn.",
    "The new timetable starts in March, once the second landing stage has been repaired.",
]
TITLE = "Ferries every forty minutes from March"
BRIEF = "/briefs/ferry-timetable"

# A site module as `cleaners/` holds them, for the test site's host. Version 1 reads the headline as the
# body (a broken selector): too short for an article. Version 2 reads the text.
CLEANER = """
from cleaners.base import Layout, Site, SiteCleaner

SITE = Site("briefs", domains=("127.0.0.1",))
CLEANER = SiteCleaner(SITE, layouts=(Layout(version={version!r}, body={body!r}),))
"""
BROKEN, FIXED = {"version": "1", "body": "h1"}, {"version": "2", "body": "div.brief-text"}


class BriefSite(NewsSite):
    """A sitemap listing one news brief: a short story with no article metadata, which a cleaner that
    misses its text takes for a page that is not an article (nothing on the page says otherwise)."""

    def __init__(self) -> None:
        super().__init__(0, traps=False, samples=False)

    def _respond(self, path: str) -> Response:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/briefs.xml":
            return Response(200, sitemap_xml("urlset", f"<url><loc>{self.url(BRIEF)}</loc></url>"))
        if path == BRIEF:
            text = "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS)
            page = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            return Response(200, f'{page}<div class="brief-text">{text}</div></body></html>'.encode())
        return Response(404, b"<h1>Not found</h1>")


@pytest.fixture
def site() -> Iterator[BriefSite]:
    brief = BriefSite()
    with Served(brief):
        yield brief


def crawl(site: BriefSite, tmp: Path, cleaner: dict[str, str], run: str, *extra: str) -> dict[str, Any]:
    """`scraper crawl` of the briefs' sitemap, with the test's cleaner as it is now."""
    (tmp / "cleaners").mkdir(exist_ok=True)
    (tmp / "cleaners" / "briefs.py").write_text(CLEANER.format(**cleaner), "utf-8")
    summary = tmp / f"{run}.summary.json"
    command = [sys.executable, str(ROOT / "tests" / "support" / "with_cleaners.py"), "crawl"]
    command += [
        site.url("/briefs.xml"),
        "-o",
        str(tmp / f"{run}.jsonl"),
        "--state",
        str(tmp / "state.sqlite"),
    ]
    command += ["-s", "AUTOTHROTTLE_START_DELAY=0", "-s", f"CRAWL_SUMMARY={summary}", *extra]
    environment = {**os.environ, "NEWSCLEAN_EXTRA_CLEANERS": str(tmp / "cleaners")}
    done = subprocess.run(command, cwd=tmp, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(summary.read_text("utf-8"))


@pytest.mark.parametrize("archived", [True, False], ids=["from the archive", "fetched again"])
def test_a_page_judged_no_article_is_emitted_once_the_cleaner_is_fixed(
    site: BriefSite, tmp_path: Path, archived: bool
) -> None:
    warc = ["--warc", str(tmp_path / "warc")] if archived else []
    first = crawl(site, tmp_path, BROKEN, "run1", *warc)
    assert first["not_articles"] == 1 and read_lines(tmp_path / "run1.jsonl") == []

    again = crawl(site, tmp_path, BROKEN, "run2", *warc)  # the same cleaner: the verdict stands
    assert again["rejudged"] == 0 and again["skipped_seen"] == 1 and site.hits[BRIEF] == 1

    fixed = crawl(site, tmp_path, FIXED, "run3", *warc)  # version 2, nothing else changed
    [article] = read_lines(tmp_path / "run3.jsonl")
    assert (article["url"], article["title"]) == (site.url(BRIEF), TITLE)
    assert article["body"].split("\n\n") == PARAGRAPHS
    assert article["cleaner"] == {"name": "briefs", "version": "2", "fallback_from": None}
    assert fixed["rejudged"] == 1 and fixed["from_archive"] == (1 if archived else 0)
    assert site.hits[BRIEF] == (1 if archived else 2)

    after = crawl(site, tmp_path, FIXED, "run4", *warc)  # judged by version 2: done with
    assert after["rejudged"] == 0 and read_lines(tmp_path / "run4.jsonl") == []
