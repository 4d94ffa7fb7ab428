"""Devdiscourse (devdiscourse.com): ASP.NET Core MVC, templates public in nitinr89/DevDiscourse.

Views/Article/Index.cshtml: h1.title, h2.sub-title (the dek, kept as the body's first paragraph), a
metadata div "{Source} | {City} | Updated: ... | Created: ...", the figure with an AI-image disclaimer
as caption, "Country:" and SHARE rows, section.article-cont (the text plus "(With inputs from
agencies.)" or the syndicated-feed note, both read into `credit`), tags, comments; sidebar and footer
outside the article. Infinite scroll appends older stories into #NewsNews behind a "Next Article"
divider, so every selector is anchored on the page's own `div.col-md-8 > article`.
The in-body JSON-LD has an unquoted "description" (invalid JSON), so dates come from the
itemprop meta tags instead.
"""

from __future__ import annotations

import re

from cleaners.base import Cleaned, Layout, Page, Site, SiteCleaner
from scraper.text import fold_whitespace

SITE = Site(
    "devdiscourse",
    domains=("devdiscourse.com",),
    start=(
        "https://www.devdiscourse.com/",  # front page: latest and trending stories
        "https://www.devdiscourse.com/sitemap.xml",  # platform default
    ),
    article=(r"^/article/[\w-]+/\d+-[\w-]+$",),  # /article/{label}/{NewsId}-{slug}
)

_ART = "div.col-md-8 > article"  # the page's article; appended ones sit in #NewsNews

_DROP = (
    "#NewsNews",  # infinite-scroll appendix: "Next Article" + older stories
    ".article-divider",
    "#articleAiCard",  # 2026 "Key Takeaways / AI Summary / Analyzing article…" card
    ".advertisement-area",
    ".left-section",  # "Country:" list and SHARE buttons
    ".share-button-list",
    ".commentbox",
    "#disqus_thread",
    "figure",
)

_DROP_TEXT = (
    r"^country:$",
    r"^read more on:?$",
    r"^first published in:?$",
    r"^post / read comments$",
    r"^key takeaways$",
    r"^ai summary$",
    r"^analyzing article\W*$",
)

_STOP_TEXT = (r"^next article$",)  # should the appendix ever land inside the text container

# The figcaption is "{ImageCaption} {ImageCopyright}"; generated images carry this notice instead.
_AI_NOTICE = re.compile(r"This image is AI-generated\b.*?(?:purposes only\.|$)", re.I | re.S)


def _caption_without_ai_notice(page: Page, result: Cleaned) -> None:
    """The AI-image notice is a disclaimer, not a caption; keep whatever real caption is left."""
    if result.caption:
        result.caption = fold_whitespace(_AI_NOTICE.sub("", result.caption)) or None


def _layout(version: str, body: str, meta_div: str, breadcrumb: str) -> Layout:
    return Layout(
        version=version,
        body=body,
        drop=_DROP,
        title=f"{_ART} > h1.title",
        lead=f"{_ART} > h2.sub-title",
        authors=f"{_ART} > {meta_div} > span > a, {_ART} > {meta_div} > a[href*='AuthorArticles']",
        dateline=f"{_ART} > {meta_div} > span.text-capitalize",
        published="meta[itemprop=datePublished]",
        modified="meta[itemprop=dateModified]",
        section=f"{breadcrumb} > li:nth-child(3)",
        caption=f"{_ART} > figure figcaption",
        drop_text=_DROP_TEXT,
        stop_text=_STOP_TEXT,
    )


CLEANER = SiteCleaner(
    SITE,
    layouts=(
        # HEAD of 2026-03/04: div.metadata, ul.article-breadcrumb, AI card, BreadcrumbList JSON-LD.
        _layout(
            "2026",
            body=f"{_ART} > div.metadata ~ section.article-cont",
            meta_div="div.metadata",
            breadcrumb="ul.article-breadcrumb",
        ),
        # a3af7e3 (2024-11 to 2026-02): unclassed metadata div, ul.breadcrumb.breadcrumb_new.
        _layout(
            "2024",
            body=f"{_ART} > section.article-cont",
            meta_div="div.m-b-10",
            breadcrumb="ul.breadcrumb",
        ),
    ),
    hook=_caption_without_ai_notice,
)
