"""Arab News specifics: the highlight bullets are the standfirst, once and first, even where a page
prints them again inside the story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper import extract
from tests.support.samples import SAMPLES

BODY_START = 'property="content:encoded">'
PAGES = [
    page
    for page in sorted((SAMPLES / "arabnews.com").glob("*.html"))
    if json.loads(page.with_suffix(".json").read_text("utf-8"))["cleaner"]["name"] == "arabnews"
]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_bullets_repeated_in_the_story_are_printed_once_first(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
    html = page.read_text("utf-8")
    bullets = html.split('<ul class="highlights">', 1)[1].split("</ul>", 1)[0]
    bullets = [item.split("</li>")[0].strip() for item in bullets.split("<li>")[1:]]
    assert bullets and expected["body"].startswith(bullets[0])
    # The story says the bullets again, word for word (in capitals, with a full stop), before its first
    # paragraph and after it.
    again = "".join(f"<p><strong>{bullet.upper()}.</strong></p>" for bullet in bullets)
    start = html.index(BODY_START) + len(BODY_START)
    first = html.index("</p>", start) + len("</p>")
    repeated = html[:start] + again + html[start:first] + again + html[first:]

    article = extract(repeated, expected["url"])

    assert article.cleaner.name == "arabnews"
    assert article.body == expected["body"]
