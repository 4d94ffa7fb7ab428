"""Devdiscourse specifics the golden samples do not show: a real photo caption (the samples only carry the
AI-image notice, which is not a caption) and the cut at an appended story that lands in the text."""

from __future__ import annotations

from scraper import extract
from scraper.pipeline import analyse, build_article
from tests.support.samples import SAMPLES

PAGE = SAMPLES / "devdiscourse.com" / "putin-thanks-kim-kursk.html"
URL = "https://www.devdiscourse.com/article/politics/3372594-north-korean-troops-role-in-kursk-putins-acknowledgment"
NOTICE = (
    "This image is AI-generated and does not depict any real-life event or location. "
    "It is a fictional representation created for illustrative purposes only."
)


def _page(old: str, new: str) -> str:
    html = PAGE.read_text("utf-8")
    assert old in html
    return html.replace(old, new, 1)


def test_real_caption_is_kept() -> None:
    html = _page(NOTICE, "Representative Image. Image Credit: ANI")
    image = extract(html, url=URL).image
    assert image is not None
    assert image.caption == "Representative Image. Image Credit: ANI"


def test_ai_notice_is_not_a_caption() -> None:
    image = extract(PAGE.read_bytes(), url=URL).image
    assert image is not None
    assert image.caption is None


def test_next_article_inside_the_text_is_cut() -> None:
    html = _page(
        "<p>(With inputs from agencies.)</p>",
        "<p>(With inputs from agencies.)</p><div><span>Next Article</span></div><p>Another story.</p>",
    )
    page, cleaned = analyse(html, url=URL)
    article = build_article(page, cleaned)
    assert "Another story" not in article.body
    assert article.body.endswith("as stated by President Putin.")
    assert ("stop_text", "Next Article") in cleaned.removed
