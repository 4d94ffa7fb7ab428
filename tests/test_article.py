"""The article record and its forms (a dict, a JSON line as bytes, the same as text), what `explain`
returns; word counting: letters and digits with inner hyphens and apostrophes, CJK characters one by
one; `has_words` answers the threshold questions the cleaners ask without counting a whole page."""

from __future__ import annotations

import json

import pytest

import scraper
from scraper.article import has_words, word_count
from tests.support.pages import article_page


@pytest.mark.parametrize(
    ("text", "words"),
    [("", 0), ("Harbour plan", 2), ("a well-known mayor's plan", 4), ("港の再開発", 5), ("— 42 —", 1)],
)
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words
    assert [has_words(text, n) for n in range(1, 7)] == [n <= words for n in range(1, 7)]


def test_an_article_prints_as_its_json_line_and_gives_a_dict() -> None:
    article = scraper.extract(article_page("Harbour plan"), "https://example.com/harbour-plan")
    line = article.to_json()
    assert isinstance(line, bytes)
    assert str(article) == line.decode()  # print(article) shows the record, not b'...'
    assert json.loads(str(article)) == article.to_dict()
    assert article.to_dict()["cleaner"] == {"name": "generic", "version": "4", "fallback_from": None}


def test_explain_returns_a_printable_explanation() -> None:
    share = "Share this story on Facebook, X, LinkedIn, WhatsApp and e-mail, or print it for the office wall"
    page = article_page("Harbour plan").replace("</article>", f"</article><div class='share'>{share}</div>")
    url = "https://example.com/harbour-plan"
    explained = scraper.explain(page, url)

    assert explained.article == scraper.extract(page, url)
    assert ("boilerplate class/id share", share) in explained.removed
    assert repr(explained) == f"<Explanation {url}: cleaner generic 4, 4 blocks removed>"
    lines = str(explained).splitlines()
    assert lines[0] == f"{url}: cleaner generic 4, removed 4 blocks:"
    assert lines[3].startswith("  [boilerplate class/id share] Share this story on Facebook")
    assert len(lines) == 5
