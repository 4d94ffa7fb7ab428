"""NK News (nknews.org): WordPress, custom `nknews` theme, Leaky Paywall (AJAX) metering.

Markup verified on a real saved page of 2019 (see seed-sites.md, section 5); only the visible text
order is confirmed for 2020-2024. The title is a `div.content-title` (no <h1>), the dek a
`div.content-subtitle` (kept as the body's first paragraph and as the description: og:description is
an auto-excerpt cut with "…"). Author and date are printed twice (desktop and mobile). The full text
sits in the hidden `#fullContent`, which the paywall script reveals; `#excerptContent` repeats its
first ~60 words as a teaser with "Read More" and must not reach the body. Inside the text:
pull-quote blockquotes repeating a sentence of the body, wp-caption figures, the opinion disclaimer,
and the "Edited by ..." (to `credit`) and "Featured image: ..." sign-offs.
"""

from __future__ import annotations

from cleaners.base import Layout, Site, SiteCleaner

SITE = Site(
    "nknews",
    domains=("nknews.org",),
    start=(
        "https://www.nknews.org/feed/",
        "https://www.nknews.org/wp-sitemap.xml",  # platform default (WordPress core)
    ),
    article=(r"^/\d{4}/\d{2}/[\w-]+/?$",),  # /YYYY/MM/slug/ (NK Pro under /pro/ is paywalled)
)

_HEAD = "div.content-wrapper"

_DROP = (
    "#excerptContent",  # paywall teaser: the opening paragraphs again + "Read More"
    ".read_more_block",
    "#post_share",  # "SHARE" + icons
    ".sticky-social-icons",
    "figure",  # wp-caption images: "... | Photo: ..."
    ".wp-caption",
    "#single-advert",  # subscribe banner
    "#header-top",  # today's date, social and NK Pro / KCNA Watch / NK Cast links
    ".sidebar-wrapper",  # shop ad, "Trending"
    ".related-article-wrapper",  # "Related Articles"
    ".single-content-author",  # "About the Author", bio, "View more articles by ..."
    ".footer",
    ".modal",  # sign-in, sign-up, forgot-password, browser and incognito notices
)

_DROP_TEXT = (
    r"^views expressed in opinion articles are exclusively the authors?['’]? own\b.*$",
    r"^featured image:.*$",
    r"^read more$",
)


def _layout(version: str, body: str, drop: tuple[str, ...] = _DROP) -> Layout:
    return Layout(
        version=version,
        body=body,
        drop=drop,
        title=f"{_HEAD} > .content-title",
        lead=f"{_HEAD} > .content-subtitle",
        description=f"{_HEAD} > .content-subtitle",
        authors=f"{_HEAD} > .content-meta a[href*='/content_author/']",
        drop_text=_DROP_TEXT,
        pull_quotes="#fullContent blockquote",
    )


CLEANER = SiteCleaner(
    SITE,
    layouts=(
        _layout("2019", "#fullContent"),
        # A page served without #fullContent (text withheld by the paywall): the teaser is all there is.
        _layout(
            "2019-excerpt", "#excerptContent .excerpt-text", tuple(s for s in _DROP if s != "#excerptContent")
        ),
    ),
)
