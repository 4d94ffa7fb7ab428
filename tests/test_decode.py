"""The nesting guard in `scraper.decode`: pages nested too deep lose their deepest tags (not their text),
and every other page skips the rewrite."""

from __future__ import annotations

import re

import pytest

from scraper import decode as decode_module
from scraper.decode import decode, limit_nesting
from tests.conftest import sample_pages

MAX_DEPTH = 200  # the promise: real pages nest a few dozen levels, lxml gives up past 255
# Tags that do not nest: HTML's void elements, and those whose end tag may be left out.
NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot colgroup caption option optgroup rb rt rp html head body".split()
)


def _walk_depth(html: str) -> int:
    """The deepest nesting, counted one tag at a time (the reference for the fast count)."""
    depth = deepest = 0
    for tag in re.finditer(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>", html):
        if tag[2].lower() not in NOT_NESTING:
            depth += -1 if tag[1] else 1
            deepest = max(deepest, depth)
    return deepest


class _NoRewrite:
    """Stands in for the tag pattern: counting is allowed, rewriting fails the test."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.findall = pattern.findall

    def sub(self, *_: object) -> str:
        raise AssertionError("the page was rewritten")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "no markup",
        "<div>" * MAX_DEPTH + "deep" + "</div>" * MAX_DEPTH,
        "<p>" * 1000 + "<br>" * 1000 + "<LI>" * 1000,  # tags that do not nest
        "</div>" * 50 + "<div>" * (MAX_DEPTH + 50),  # stray end tags first
        '<div title="<span>">' * 150 + "</DIV>" * 150 + "<Div>" * 150,
        "<div\x1cclass=x>" * 150 + "</div\x1c>" * 150 + "<span>" * 150 + "<p\u00a0>" * 300,
    ],
)
def test_the_fast_count_matches_the_walk(html: str) -> None:
    assert decode_module._max_depth(html) == _walk_depth(html)


def test_the_sample_pages_are_counted_like_the_walk() -> None:
    pages = [decode(page.read_bytes()) for page in sample_pages()]
    assert pages and all(decode_module._max_depth(html) == _walk_depth(html) for html in pages)


def test_a_page_nested_up_to_the_limit_is_not_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    html = "<html><body>" + "<div><p>x<br>" * MAX_DEPTH + "</div>" * MAX_DEPTH + "</body></html>"
    monkeypatch.setattr(decode_module, "_TAG", _NoRewrite(decode_module._TAG))
    assert limit_nesting(html) is html


def test_a_deeper_page_loses_its_deepest_tags_but_not_their_text() -> None:
    levels = MAX_DEPTH + 100
    html = "<body>" + "<div>" * levels + "<b>text</b>" + "</div>" * levels + "<div>after</div></body>"
    expected = "<body>" + "<div>" * MAX_DEPTH + "text" + "</div>" * MAX_DEPTH + "<div>after</div></body>"
    assert limit_nesting(html) == expected
