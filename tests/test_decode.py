"""The nesting guard in `scraper.decode`: pages nested too deep lose their deepest tags (not their text),
and every other page skips the rewrite."""

from __future__ import annotations

import re

import pytest

from scraper import decode as decode_module
from scraper.decode import decode, limit_nesting
from scraper.errors import ExtractError
from tests.support.samples import sample_pages

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


POLISH = "Łódź i Kraków mają nowe tramwaje, które wyjadą na ulice jesienią."
RUSSIAN = "Паромная компания объявила зимнее расписание для жителей острова."


def _page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("data", "content_type", "text"),
    [
        (_page(POLISH).encode("iso-8859-2"), "text/html; charset=ISO-8859-2", POLISH),  # the header only
        (_page(POLISH, '<meta charset="iso-8859-2">').encode("iso-8859-2"), None, POLISH),  # <meta> only
        (_page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"), "text/html", RUSSIAN),
        (_page(RUSSIAN).encode("cp1251"), None, RUSSIAN),  # nothing declared: detected
        (_page(POLISH).encode("utf-8"), "text/html; charset=ISO-8859-2", POLISH),  # valid UTF-8 wins
        (b"\xff\xfe" + _page(POLISH).encode("utf-16-le"), None, POLISH),  # a BOM wins
        (b"\xef\xbb\xbf" + _page(POLISH).encode("utf-8"), "text/html; charset=ISO-8859-2", POLISH),
        # Declared UTF-8, and most non-ASCII bytes are not: the declaration is wrong.
        (_page(RUSSIAN, '<meta charset="utf-8">').encode("cp1251"), "text/html; charset=utf-8", RUSSIAN),
    ],
    ids=["header", "meta", "meta-1251", "detected", "utf-8-first", "bom", "bom-over-header", "wrong-utf-8"],
)
def test_charsets(data: bytes, content_type: str | None, text: str) -> None:
    assert f"<p>{text}</p>" in decode(data, content_type)


def test_a_few_bad_bytes_in_utf_8_keep_the_declaration() -> None:
    data = _page(POLISH * 5, '<meta charset="utf-8">').encode("utf-8").replace("ó".encode(), b"\xf3", 1)
    html = decode(data, "text/html; charset=utf-8")
    assert html.count("\ufffd") == 1 and html.count("Łódź") == 4  # the other letters stay


@pytest.mark.parametrize(
    ("data", "error"),
    [(b"", "empty document"), (b" \n\t", "empty document"), (b"<html>\x00\x00\x01", "binary data, not HTML")],
)
def test_unreadable_documents(data: bytes, error: str) -> None:
    with pytest.raises(ExtractError, match=f"^{error}$"):
        decode(data)
