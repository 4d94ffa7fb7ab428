"""NK News specifics: the real saved page of 2019 (../shared/real-pages; skipped when absent, a failure
under CI), whose hidden #fullContent is repeated by the paywall teaser #excerptContent, and the
pull-quote rule, which must drop a blockquote repeating the text but keep a real quotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import extract
from scraper.pipeline import analyse
from tests.support.samples import SAMPLES, need_shared

REAL = "real-pages/nknews.org_2019-10_state-media-fake-news.html"
REAL_URL = "https://www.nknews.org/2019/10/why-north-korean-and-russian-state-media-are-joining-forces-to-fight-fake-news/"
SAMPLE = SAMPLES / "nknews.org" / "north-korea-has-not-announced-troop-deployment.html"
TEASER_START = "This week a delegation from Russia’s RT news service spent three days in Pyongyang"


@pytest.fixture
def real_page(shared: Path) -> bytes:
    return need_shared(shared / REAL).read_bytes()


def test_real_page_metadata(real_page: bytes) -> None:
    article = extract(real_page, url=REAL_URL)
    assert article.cleaner.name == "nknews"
    assert article.is_article
    assert article.title == "Why North Korean and Russian state media are joining forces to fight “fake news”"
    assert article.authors == ["Anthony V. Rinna"]
    assert article.published == "2019-11-01T03:27:09+00:00"
    assert article.section == "Analysis"
    assert article.credit == "Edited by James Fretwell"
    assert article.image is not None and article.image.caption is None


def test_real_page_body_is_the_full_text_once(real_page: bytes) -> None:
    paras = extract(real_page, url=REAL_URL).body.split("\n\n")
    assert paras[0] == (  # the dek, kept as standfirst
        "Pyongyang hopes to use Russia's multilingual news outlets to shift the international narrative "
        "on the DPRK"
    )
    assert paras[1].startswith(TEASER_START)
    assert paras[-1].endswith("combating negative images of themselves in the West.")
    body = "\n\n".join(paras)
    assert body.count("spent three days in Pyongyang") == 1  # the teaser is not appended
    assert "Read More" not in body


def test_real_page_furniture_is_gone(real_page: bytes) -> None:
    body = extract(real_page, url=REAL_URL).body
    for furniture in (
        "November 06, 2019",  # header date
        "Featured image",
        "Edited by",
        "| Photo:",  # wp-caption figures
        "Related Articles",
        "About the Author",
        "View more articles by",
        "Sign in to NK News",
        "PLEASE USE A DIFFERENT WEB BROWSER",
        "Korea Risk Group",
    ):
        assert furniture not in body, furniture
    # The two pull quotes repeat sentences of the text: each sentence is there once, in its paragraph.
    assert body.count("Moscow and Pyongyang think in the same way") == 1
    assert body.count("inevitably have wider strategic implications") == 1


def test_real_page_pull_quotes_are_reported(real_page: bytes) -> None:
    _, cleaned = analyse(real_page, url=REAL_URL)
    assert [rule for rule, _ in cleaned.removed].count("pull_quote") == 2


def test_a_real_quotation_in_a_blockquote_stays() -> None:
    quote = "We will never accept the so-called sanctions as a fact of life, the ministry said on Monday."
    heading = "<h3><b>How the rumors evolved</b></h3>"
    html = SAMPLE.read_text("utf-8").replace(heading, f"<blockquote><p>{quote}</p></blockquote>{heading}", 1)
    assert quote in html
    assert quote in extract(html).body.split("\n\n")


def test_page_without_full_text_falls_back_to_the_teaser() -> None:
    html = SAMPLE.read_text("utf-8")
    start = html.index('<div id="fullContent"')
    html = html[:start] + html[html.index('<div id="excerptContent">') :]
    article = extract(html)
    assert article.cleaner.version == "2019-excerpt"
    assert article.body.split("\n\n")[1].startswith("North Korea has not announced plans to dispatch troops")
    assert "Read More" not in article.body
