"""Site templates: a block repeated on several pages of one site is dropped from that site's articles,
and only from there; stores survive a save and load."""

from __future__ import annotations

from pathlib import Path

from scraper import extract
from scraper.pipeline import learn, parse
from scraper.templates import TemplateStore, block_hash

PROMO = "The Valley Times is read by forty thousand families from the lake to the pass every day."
TOPICS = ["the bridge", "the school", "the orchard", "the market", "the choir"]


def page(n: int) -> tuple[str, str]:
    """Page `n` of one site: its own story, and a promo in a block no generic rule names."""
    topic = TOPICS[n]
    story = "".join(
        f"<p>Paragraph {i} of the story about {topic}, told with enough words to read as real text.</p>"
        for i in range(5)
    )
    html = (
        f"<html><head><title>News about {topic}</title><meta property='og:type' content='article'></head>"
        f"<body><article><h1>News about {topic}</h1>{story}<div class='x7'><p>{PROMO}</p></div></article>"
        "</body></html>"
    )
    return html, f"https://valley-times.com/news/{n}"


def learned(pages: range) -> TemplateStore:
    store = TemplateStore()
    for n in pages:
        learn(store, parse(*page(n)))
    return store


def test_repeated_block_is_dropped_with_the_template() -> None:
    html, url = page(4)
    assert PROMO in extract(html, url).body  # no generic rule knows this block
    cleaned = extract(html, url, templates=learned(range(4)))
    assert PROMO not in cleaned.body
    assert "Paragraph 4 of the story about the choir" in cleaned.body


def test_a_crawl_learns_as_it_goes() -> None:
    """`extract` with a store learns each page before cleaning it: from the third page on, the promo
    is template."""
    store = TemplateStore()
    bodies = [extract(*page(n), templates=store).body for n in range(4)]
    assert [PROMO in body for body in bodies] == [True, True, False, False]


def test_a_refetched_page_counts_once() -> None:
    store = TemplateStore()
    for _ in range(5):
        learn(store, parse(*page(0)))
    assert store.boilerplate("valley-times.com") == frozenset()


def test_template_belongs_to_its_site() -> None:
    html, _ = page(4)
    assert PROMO in extract(html, "https://other-news.com/news/4", templates=learned(range(4))).body


def test_store_survives_save_and_load(tmp_path: Path) -> None:
    store = learned(range(4))
    path = tmp_path / "templates.json"
    store.save(path)
    loaded = TemplateStore.load(path)
    assert loaded.boilerplate("valley-times.com") == store.boilerplate("valley-times.com")
    assert block_hash(PROMO) in loaded.boilerplate("valley-times.com")
    assert TemplateStore.load(tmp_path / "missing.json").sites == {}
