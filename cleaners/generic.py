"""The generic cleaner, for every site without a cleaner of its own.

It prunes what is never article text with selectolax (cheap), then hands what is left to trafilatura,
then removes the shared boilerplate families by wording and decides whether the page is an article."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import trafilatura

from cleaners.base import Cleaned, Page, drop_blocks, pop_credits
from cleaners.boilerplate import DROP_SELECTORS, dateline_of, drop_text
from scraper.article import word_count

NAME, VERSION = "generic", "1"

# Beyond the shared list: page chrome that is safe to remove when we do not know the site's markup.
GENERIC_DROP = (
    *DROP_SELECTORS,
    "header",
    "footer",
    "aside",
    '[role="complementary"]',
    '[role="banner"]',
    '[role="contentinfo"]',
    "[hidden]",
    '[style*="display:none"]',
    '[style*="display: none"]',
    "#comments",
    ".comments",
    "[class*=breadcrumb]",
)

_LIST_MARKER = re.compile(r"^[-*•]\s+")
_HEADLINE_LINK_CHARS = range(25, 160)


def _listing_links(page: Page) -> int:
    """Links whose text reads like a headline: a section front is mostly these."""
    return sum(len(a.text(deep=True).strip()) in _HEADLINE_LINK_CHARS for a in page.tree.css("a[href]"))


def _is_article(page: Page, words: int, headline_links: int) -> bool:
    meta = page.meta
    if words < 25 or meta.says_listing:
        return False
    address = page.url or meta.canonical_url
    if address and urlsplit(address).path in ("", "/") and not meta.says_article:
        return False  # a home page
    if meta.says_article:
        return True
    # A front page: many headline links and little running text per link.
    return words >= 80 and not (headline_links >= 15 and words < headline_links * 20)


def clean(page: Page) -> Cleaned:
    headline_links = _listing_links(page)
    drop_blocks(page.tree, GENERIC_DROP)
    text = (
        trafilatura.extract(
            page.tree.html or "",
            url=page.url,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=False,
        )
        or ""
    )
    result = Cleaned(paragraphs=[], is_article=False, cleaner=NAME, version=VERSION)
    kept: list[str] = []
    for line in text.splitlines():
        para = _LIST_MARKER.sub("", " ".join(line.split()))
        if not para:
            continue
        if drop_text(para):
            result.removed.append(("drop_text", para))
            continue
        kept.append(para)
    pop_credits(kept, result)
    result.paragraphs = kept
    result.dateline = dateline_of(kept[0]) if kept else None
    result.is_article = _is_article(page, word_count(" ".join(kept)), headline_links)
    return result
