"""The fields a site cleaner's layout reads from the markup it names (`cleaners.base.Layout`), in-process:
dates from a `datetime` or `content` attribute or the element's text, and tags once each. The site
cleaner tests check these on each site's samples, where the page's metadata says the same; here the
metadata says otherwise, so only the layout's selectors can give the expected values."""

from __future__ import annotations

import pytest

from cleaners.base import Layout, Site, SiteCleaner
from scraper.pipeline import parse

SITE = Site("example", domains=("news.example",))
CLEANER = SiteCleaner(
    SITE, layouts=(Layout("1", body="div.story", published=".posted", modified=".updated", tags=".topics a"),)
)
STORY = "The council approved the harbour plan after a long debate on its cost and the fishing fleet. " * 3


def page(posted: str) -> str:
    return f"""<html><head>
<meta property="article:published_time" content="2020-01-01T00:00:00Z">
<meta property="article:modified_time" content="2020-01-02T00:00:00Z">
</head><body>
<h1>Harbour plan approved</h1>{posted}<p class=updated>2026-03-02 10:15</p>
<div class=story><p>{STORY}</p></div>
<ul class=topics><li><a>Harbour</a></li><li><a>Council</a></li><li><a>Harbour</a></li><li><a> </a></li></ul>
</body></html>"""


@pytest.mark.parametrize(
    ("posted", "published"),
    [
        ('<time class=posted datetime="2026-03-01T08:30:00Z">Sunday</time>', "2026-03-01T08:30:00+00:00"),
        ('<meta class=posted content="2026-03-01T08:30:00Z">', "2026-03-01T08:30:00+00:00"),
        ("<span class=posted>2026-03-01 08:30</span>", "2026-03-01T08:30:00"),
    ],
    ids=["datetime", "content", "text"],
)
def test_dates_and_tags_come_from_the_layouts_selectors(posted: str, published: str) -> None:
    cleaned = CLEANER.clean(parse(page(posted), "https://news.example/harbour"))

    assert cleaned is not None and cleaned.is_article
    assert cleaned.published == published
    assert cleaned.modified == "2026-03-02T10:15:00"  # no zone given: none invented
    assert cleaned.tags == ["Harbour", "Council"]  # each once, in page order; empty links are no tags


def test_fields_the_layout_does_not_name_are_left_to_the_page_metadata() -> None:
    bare = SiteCleaner(SITE, layouts=(Layout("1", body="div.story"),))

    cleaned = bare.clean(parse(page(""), "https://news.example/harbour"))

    assert cleaned is not None
    assert (cleaned.published, cleaned.modified, cleaned.tags) == (None, None, None)
