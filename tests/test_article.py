"""Word counting: letters and digits with inner hyphens and apostrophes, CJK characters one by one;
`has_words` answers the threshold questions the cleaners ask without counting a whole page."""

from __future__ import annotations

import pytest

from scraper.article import has_words, word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [("", 0), ("Harbour plan", 2), ("a well-known mayor's plan", 4), ("港の再開発", 5), ("— 42 —", 1)],
)
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words
    assert [has_words(text, n) for n in range(1, 7)] == [n <= words for n in range(1, 7)]
