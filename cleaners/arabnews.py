"""Arab News (arabnews.com): Drupal 7, theme `narabnews`.

No saved HTML of the site exists (see seed-sites.md, section 1): the selectors follow the Drupal 7
default field wrappers and the class names of our samples, which reproduce the verified text order:
hero title, photo caption, "Short Url", "Updated ...", "Follow", the title again, summary bullets,
the body, then the next story appended by infinite scroll. Everything is read from the FIRST node
article, so the appended stories never reach the article.
"""

from __future__ import annotations

from cleaners.base import Layout, Site, SiteCleaner

SITE = Site(
    "arabnews",
    domains=("arabnews.com",),
    start=(
        "https://www.arabnews.com/rss.xml",
        "https://www.arabnews.com/sitemap.xml",  # platform default (Drupal 7 XML sitemap)
    ),
    article=(r"^/node/\d+(?:/[\w-]+)?/?$",),  # /node/{nid}/{section}
)

# The page's own article; later `article.node-article` siblings are appended next stories.
_NODE = "article.node-article:first-of-type"

# Page furniture around (and copied inside) the article block.
_DROP = (
    "h2.element-invisible",  # Drupal 7 "You are here" breadcrumb heading
    ".breadcrumb",
    ".field-name-field-topic",  # topic label, printed twice (image alt + text)
    ".hero-title",  # the title printed above the photo
    ".field-name-field-image",  # photo and caption (caption is read before the drop)
    ".short-url",  # "Short Url" + arab.news link
    ".entry-meta",  # "Updated ..." + source line, desktop and mobile copies
    ".entry-date",
    ".follow-topic",  # "Follow" button
    ".share-links",
    "article.node-article ~ article.node-article",  # next stories appended below the article
)

# In case a template variant prints the meta lines inside the body field.
_DROP_TEXT = (
    r"^short url$",
    r"^updated( \d{1,2} \w+ \d{4}| .{1,40} ago)$",
    r"^follow$",
)


def _layout(version: str, body: str, authors: str | None = None) -> Layout:
    return Layout(
        version=version,
        body=body,
        drop=_DROP,
        title=f"{_NODE} h1.node-title",
        authors=authors,
        lead=f"{_NODE} .field-name-field-highlights",
        caption=f"{_NODE} .field-name-field-image .img-caption",
        drop_text=_DROP_TEXT,
    )


CLEANER = SiteCleaner(
    SITE,
    layouts=(
        # 2024+: meta bar with "Short Url", "Updated" and "Follow"; no source line.
        _layout("2024", f"{_NODE} > .article-meta-bar ~ .article-content .field-name-body .field-item"),
        # 2021-2023: "You are here" heading, topic label, "Updated" and source line printed twice.
        _layout(
            "2021",
            f"{_NODE} .field-name-body .field-item",
            authors=f"{_NODE} .article-hero .field-name-field-source",
        ),
    ),
)
