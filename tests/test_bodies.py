"""Markdown and HTML bodies, links and images: the hand-written bodies of the samples, the same text as
the text body on every sample and on real pages of ../shared, what a structured body keeps of a page
(and what it leaves out: the page chrome), the options' errors."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

import jsonschema
import orjson
import pytest
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from scraper import extract
from scraper.article import json_schema
from scraper.bench import load_truth, read_page
from scraper.text import paragraphs
from tests.support.commands import clean
from tests.support.samples import SAMPLES, sample_pages

PAGES = sample_pages()
BOTH = ("links", "images")


def _url(page: Path) -> str:
    return orjson.loads(page.with_suffix(".json").read_bytes())["url"]


def html_paragraphs(fragment: str) -> list[str]:
    """The paragraphs a reader sees in an HTML fragment (figures and their captions are not text)."""
    root = LexborHTMLParser(f"<html><body>{fragment}</body></html>").body
    return paragraphs(root) if root is not None else []


def markdown_paragraphs(text: str) -> list[str]:
    """The paragraphs of markdown as a CommonMark renderer (with GitHub tables) shows them."""
    return html_paragraphs(MarkdownIt("commonmark").enable("table").render(text))


def _same_text(body: list[str], text: str) -> bool:
    """The paragraphs say the text body, word for word; table rows aside (a row is one paragraph of the
    text body, cell after cell, and a paragraph per cell of a rendered table), paragraph for paragraph."""
    if "|" not in text:
        return body == (text.split("\n\n") if text else [])
    squash = re.compile(r"[\s|]+")
    return squash.sub("", "".join(body)) == squash.sub("", text)


GOLDEN = [p for p in PAGES if p.with_suffix(".md").exists() and p.with_suffix(".body-html").exists()]


def _cleaner(page: Path) -> str:
    return orjson.loads(page.with_suffix(".json").read_bytes())["cleaner"]["name"]


def test_golden_bodies_cover_every_cleaner() -> None:
    """Hand-written markdown and HTML bodies for a page of every site cleaner and of the generic one."""
    assert {_cleaner(p) for p in GOLDEN} == {_cleaner(p) for p in PAGES}


@pytest.mark.parametrize("page", GOLDEN, ids=[str(p.relative_to(SAMPLES)) for p in GOLDEN])
def test_golden_markdown_and_html(page: Path) -> None:
    """`<page>.md` and `<page>.body-html` are written by hand from the page; each says the text body."""
    html = page.read_bytes()
    text = extract(html, _url(page)).body
    expected_md = page.with_suffix(".md").read_text("utf-8").rstrip("\n")
    expected_html = page.with_suffix(".body-html").read_text("utf-8").rstrip("\n")
    assert markdown_paragraphs(expected_md) == text.split("\n\n")
    assert html_paragraphs(expected_html) == text.split("\n\n")
    assert extract(html, _url(page), body="markdown").body == expected_md
    assert extract(html, _url(page), body="html").body == expected_html


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SAMPLES)) for p in PAGES])
def test_structured_bodies_say_the_text_body(page: Path) -> None:
    """Every sample, whichever cleaner: the markdown and HTML bodies hold the text body's paragraphs, and
    every other field is what the text record says."""
    html, url = page.read_bytes(), _url(page)
    plain = extract(html, url).to_dict()
    for body in ("markdown", "html"):
        record = extract(html, url, body=body, with_=BOTH).to_dict()
        jsonschema.validate(record, json_schema())
        assert record["body_format"] == body
        read = markdown_paragraphs if body == "markdown" else html_paragraphs
        assert _same_text(read(record["body"]), plain["body"])
        assert _others(record) == _others(plain)
    assert plain["links"] is None and plain["images"] is None


def _others(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("body", "body_format", "links", "images")}


STORY = """<!DOCTYPE html><html lang="en"><head><title>Quay market reopens | The Harbour Times</title>
<base href="https://harbourtimes.example/news/2026/">
<meta property="og:type" content="article"></head><body>
<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/sport/">Sport</a>
<img src="/static/logo.png" alt="The Harbour Times" width="200" height="40"></nav></header>
<main><article>
<h1>Quay market reopens after two years of repairs</h1>
<p>The covered market on the quay <em>reopened on Saturday</em>, two years after the storm that tore off
its roof, and <strong>more than 4,000 people</strong> came through its doors on the first day.</p>
<figure><img src="img/market-hall.jpg" alt="The market hall" width="1200" height="800">
<figcaption>The rebuilt market hall on Saturday morning.</figcaption></figure>
<p>The repairs cost £3.2m, according to the <a href="../../reports/market-2026.pdf">council's report</a>,
and were paid for from the harbour fund and a grant from the <a href="https://heritage.example/">heritage
board</a>.</p>
<h2>What is new</h2>
<p>Traders said the hall had been rebuilt much as it was before the storm, with three changes:</p>
<ol><li>a glass roof over the central aisle</li><li>a second entrance from Water Street</li>
<li>stalls for food, which now open until nine on Fridays</li></ol>
<blockquote><p>“It feels like the town has its living room back,” said Mara Quist, who has sold fish at
the market for thirty years.</p></blockquote>
<p>The council will publish the market's opening hours in <code>December</code>, once the traders agree.</p>
</article>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/news/ferry">Ferry timetable changes</a></li>
<li><a href="/news/bridge">Bridge closed for a week</a></li></ul>
<img src="/ads/banner.gif" alt="Advertisement"></aside></main>
<footer><a href="/about">About us</a> <a href="/contact">Contact</a></footer></body></html>"""

STORY_MARKDOWN = """\
The covered market on the quay *reopened on Saturday*, two years after the storm that tore off its roof, \
and **more than 4,000 people** came through its doors on the first day.

![The market hall](<https://harbourtimes.example/news/2026/img/market-hall.jpg> \
"The rebuilt market hall on Saturday morning.")

The repairs cost £3.2m, according to the \
[council's report](<https://harbourtimes.example/reports/market-2026.pdf>), and were paid for from the \
harbour fund and a grant from the [heritage board](<https://heritage.example/>).

## What is new

Traders said the hall had been rebuilt much as it was before the storm, with three changes:

1. a glass roof over the central aisle
2. a second entrance from Water Street
3. stalls for food, which now open until nine on Fridays

> “It feels like the town has its living room back,” said Mara Quist, who has sold fish at the market \
for thirty years.

The council will publish the market's opening hours in `December`, once the traders agree."""


def test_generic_page_structure_links_and_images() -> None:
    """A page no site cleaner knows: headings, an ordered list, a quotation, emphasis, code, links made
    absolute against <base href>, the figure with its caption and size; nothing of the menus, the
    sidebar, its advertisement or the footer."""
    url = "https://harbourtimes.example/news/2026/quay-market"
    article = extract(STORY, url, body="markdown", with_=BOTH)
    assert article.body == STORY_MARKDOWN
    assert [(link.text, link.url) for link in article.links or []] == [
        ("council's report", "https://harbourtimes.example/reports/market-2026.pdf"),
        ("heritage board", "https://heritage.example/"),
    ]
    assert [(i.url, i.alt, i.caption, i.width, i.height) for i in article.images or []] == [
        (
            "https://harbourtimes.example/news/2026/img/market-hall.jpg",
            "The market hall",
            "The rebuilt market hall on Saturday morning.",
            1200,
            800,
        )
    ]
    html = extract(STORY, url, body="html").body
    assert "<ol><li>a glass roof over the central aisle</li><li>" in html
    image = "https://harbourtimes.example/news/2026/img/market-hall.jpg"
    assert f'<figure><img src="{image}" alt="The market hall" width="1200" height="800"><figcaption>' in html
    assert "<blockquote><p>“It feels like" in html
    assert html_paragraphs(html) == extract(STORY, url).body.split("\n\n")


def test_options_that_do_not_exist() -> None:
    with pytest.raises(ValueError, match="body 'pdf' is not one of text, markdown, html"):
        extract(STORY, body="pdf")
    with pytest.raises(ValueError, match="'video': not one of links, images"):
        extract(STORY, with_=("links", "video"))


def test_clean_writes_the_format_asked_for(tmp_path: Path) -> None:
    page = next(p for p in PAGES if p.parent.name == "nknews.org")
    done = clean(page, "--url", _url(page), "--body", "html", "--with", "links,images")
    assert done.returncode == 0, done.stderr
    record = orjson.loads(done.stdout)
    assert record == extract(page.read_bytes(), _url(page), body="html", with_=BOTH).to_dict()
    assert record["body_format"] == "html" and record["links"]
    bad = clean(page, "--body", "pdf")
    assert bad.returncode == 2 and b"--body: invalid choice: 'pdf'" in bad.stderr


@pytest.mark.parametrize("name", ["dragnet-dev", "fundus-dev", "l3s-gn1-dev", "trafilatura-eval"])
def test_real_pages_structured_bodies_say_the_text_body(shared: Path, name: str) -> None:
    """Real pages of the four benchmark datasets (every 12th): markdown and HTML say the text body."""
    dataset = shared / "bench" / "data" / name
    for truth in load_truth(dataset)[::12]:
        html, url = read_page(dataset, truth), truth.get("url")
        text = extract(html, url).body
        markdown = extract(html, url, body="markdown").body
        assert _same_text(markdown_paragraphs(markdown), text), truth["id"]
        assert _same_text(html_paragraphs(extract(html, url, body="html").body), text), truth["id"]


def test_site_cleaner_figures_without_the_chrome_ones() -> None:
    """A site whose layout drops figures (their captions are not text) still shows its in-body figure in
    `images`, with its caption and size; a figure inside a block the layout drops (an ad slot) does not
    show, and the text body is the same."""
    page = SAMPLES / "naija247news.com" / "nigeria-inflation-eases-july-2024.html"
    ad = (
        '<div class="td-a-rec"><figure><img src="/ads/banner.jpg" alt="Advert" width="300" height="250">'
        "<figcaption>Sponsored</figcaption></figure></div>"
    )
    html = page.read_text("utf-8").replace("<h3 class=", ad + "<h3 class=", 1)
    plain = extract(html, _url(page))
    record = extract(html, _url(page), with_=BOTH)
    assert record.body == plain.body
    assert [asdict(image) for image in record.images or []] == [
        {
            "url": "https://www.naija247news.com/wp-content/uploads/2024/08/Lagos-trader-696x464.jpg",
            "alt": None,
            "caption": "A trader attends to customers at a food market in Lagos.",
            "width": 696,
            "height": 464,
        }
    ]


def test_generic_lines_of_one_block_keep_their_formatting() -> None:
    """Preformatted text is a paragraph per line in the generic cleaner's text: each line keeps its part of
    the block's links, in the structured bodies and `links` (as paragraphs: lines cut at the source's
    line breaks are no preformatted block)."""
    notice = """<pre>
    --  The harbour master said the quay would reopen on Monday morning, weather
        permitting, after the divers finished their survey. Boats with a berth may
        return <a href="/notices/berths">from noon</a>, and the fuel pontoon opens at two.
</pre>"""
    page = STORY.replace("<h2>What is new</h2>", notice + "<h2>What is new</h2>")
    url = "https://harbourtimes.example/news/2026/quay-market"
    text = extract(page, url).body
    assert "reopen on Monday morning, weather\n\npermitting, after the" in text
    article = extract(page, url, body="markdown", with_=BOTH)
    assert (
        "\\-- The harbour master said the quay would reopen on Monday morning, weather\n\npermitting, after "
        "the divers finished their survey. Boats with a berth may\n\nreturn "
        "[from noon](<https://harbourtimes.example/notices/berths>), and the fuel pontoon opens at two."
    ) in article.body
    assert ("from noon", "https://harbourtimes.example/notices/berths") in [
        (link.text, link.url) for link in article.links or []
    ]
    assert markdown_paragraphs(article.body) == text.split("\n\n")


def test_generic_table_rows_are_a_table() -> None:
    """The generic cleaner's text gives a table row as one paragraph (`| a | b |`): the structured bodies
    show the rows as a table, with the links of its cells."""
    table = (
        "<table><tr><th>Stall</th><th>Opens</th></tr><tr><td><a href='/stalls/fish'>Quist fish</a></td>"
        "<td>7.00, Tuesday to Saturday</td></tr><tr><td>Harbour bakery</td><td>6.30, every day</td></tr>"
        "</table>"
    )
    page = STORY.replace("<h2>What is new</h2>", table + "<h2>What is new</h2>")
    url = "https://harbourtimes.example/news/2026/quay-market"
    text = extract(page, url).body
    assert "\n\n| Stall | Opens |\n\n| Quist fish | 7.00, Tuesday to Saturday |\n\n" in text
    article = extract(page, url, body="markdown", with_=BOTH)
    assert (
        "| Stall | Opens |\n|---|---|\n| [Quist fish](<https://harbourtimes.example/stalls/fish>) | "
        "7.00, Tuesday to Saturday |\n| Harbour bakery | 6.30, every day |"
    ) in article.body
    assert ("Quist fish", "https://harbourtimes.example/stalls/fish") in [
        (link.text, link.url) for link in article.links or []
    ]
    html = extract(page, url, body="html").body
    assert "<table><tr><th>Stall</th><th>Opens</th></tr><tr><td><a href=" in html
    assert _same_text(markdown_paragraphs(article.body), text)
    assert _same_text(html_paragraphs(html), text)
