"""Naija247news (naija247news.com): WordPress, /YYYY/MM/DD/slug/ permalinks.

The theme is not verified (see seed-sites.md, section 4); the selectors follow the tagDiv Newspaper
Cloud Library blocks the page text points to (td-cloud-library 2.3): `tdb_single_content` holds the
post content, followed by two "By {author}" blocks, an author box (bio), "Share post:" icons and a
"More like this" block with excerpts. Verified plugin boilerplate: the WPCode demo snippet "Thank you
for reading this post, don't forget to subscribe!" is a bare text node right after the first </p> of
the content (so it is removed by wording), and the QuadLayers chat button ("× How can I help you?")
ends <body>. Republished NK News articles keep their "Edited by ..." sign-off, read into `credit`.
Own stories open with "Lagos, July 19, 2024 (Naija247news) - ", a mixed-case dateline the shared
upper-case pattern does not take, hence `dateline_text`.
"""

from __future__ import annotations

from cleaners.base import Layout, Site, SiteCleaner

SITE = Site(
    "naija247news",
    domains=("naija247news.com",),
    start=(
        "https://www.naija247news.com/feed/",
        "https://www.naija247news.com/wp-sitemap.xml",  # platform default (WordPress core)
    ),
    article=(r"^/\d{4}/\d{2}/\d{2}/[\w-]+/?$",),  # /YYYY/MM/DD/slug/
)

_DROP = (
    ".tdb_single_author",  # "By Naija247news", printed twice
    ".tdb_single_author_box",  # author photo + bio
    ".tdb-author-box",
    ".td-post-sharing",  # "Share post:" + icon-only buttons
    ".td_flex_block",  # "More like this", "Popular" lists
    ".td_block_related_posts",
    ".td-a-rec",  # ad slots
    ".adsbygoogle",
    ".tdb_header_date",
    "#td-mobile-nav",
    "#qlwapp",  # QuadLayers WhatsApp chat button
    "figure",  # images and their captions inside the content
)

_DROP_TEXT = (
    r"^×?\s*how can i help you\?$",
    r"^share post:?$",
    r"^more like this$",
)

# "Lagos, July 19, 2024 (Naija247news) - ..." / "Abuja, August 19, 2024 (NAN) - ..."
_DATELINE = (
    r"^(?P<dateline>[A-Z][\w.'’ -]{1,30}?),\s+(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
    r"\s*\([^)]{1,40}\)\s*[-–—]\s",
)


CLEANER = SiteCleaner(
    SITE,
    layouts=(
        # tagDiv Cloud Library single template (2024).
        Layout(
            version="2024",
            body=".tdb_single_content .tdb-block-inner",
            drop=_DROP,
            title="h1.tdb-title-text",
            authors=".tdb_single_author a.tdb-author-name",
            published=".tdb_single_date time.entry-date[datetime]",
            drop_text=_DROP_TEXT,
            dateline_text=_DATELINE,
        ),
        # Classic tagDiv single post (no Cloud Library), as in FiveFilters rules for other tagDiv
        # sites; not seen on this site, kept for archived pages of the same theme.
        Layout(
            version="tagdiv-classic",
            body="article div.td-post-content",
            drop=(*_DROP, ".td-post-sharing-top", ".td-post-sharing-bottom", ".td-author-box"),
            title="h1.entry-title",
            authors=".td-post-author-name a",
            published="article time.entry-date[datetime]",  # not a sidebar module date
            drop_text=_DROP_TEXT,
            dateline_text=_DATELINE,
        ),
    ),
)
