"""Page metadata from JSON-LD, OpenGraph, meta tags and microdata, read from the one parsed tree.

`read_metadata` decides which source each field comes from, most precise first; how a field is read
lives with the field: `scraper.jsonld`, `scraper.titles`, `scraper.bylines`, `scraper.dates`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import langcodes
from selectolax.lexbor import LexborHTMLParser

from scraper import jsonld
from scraper.bylines import read_authors
from scraper.dates import normalise_date, stated_date
from scraper.jsonld import ARTICLE_TYPES, LISTING_TYPES, first_str
from scraper.text import fold_whitespace
from scraper.titles import read_title


@dataclass(slots=True)
class Metadata:
    """What the page says about itself; every field optional."""

    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # as the page states it; the article's is `scraper.dates.published`
    modified: str | None = None
    language: str | None = None  # the declared language, when it is a valid subtag (`language_subtag`)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    og_type: str | None = None
    ld_types: set[str] = field(default_factory=set)
    article_body: str | None = None  # JSON-LD articleBody, a hint for locating the text
    word_count: int | None = None  # JSON-LD wordCount: what a complete reading comes near

    @property
    def says_article(self) -> bool:
        return bool(self.ld_types & ARTICLE_TYPES) or self.og_type == "article"

    @property
    def says_listing(self) -> bool:
        return bool(self.ld_types & LISTING_TYPES) and not self.ld_types & ARTICLE_TYPES


class _MetaTags:
    """The page's `<meta content>` values by property, name, itemprop or http-equiv (lowercased)."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.values: dict[str, list[str]] = {}
        for node in tree.css("meta[content]"):
            attrs = node.attributes
            key = (
                attrs.get("property")
                or attrs.get("name")
                or attrs.get("itemprop")
                or attrs.get("http-equiv")
                or ""
            )
            content = attrs.get("content")
            if key.strip() and content and content.strip():
                self.values.setdefault(key.strip().lower(), []).append(content.strip())

    def first(self, *keys: str) -> str | None:
        """The first value of the first key the page has."""
        for key in keys:
            if self.values.get(key):
                return fold_whitespace(self.values[key][0])
        return None

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])


# Meta tags of the publication date, after article:published_time and the JSON-LD datePublished.
_PUBLISHED_TAGS = (
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "date",
    "dcterms.created",
)
_MODIFIED_TAGS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)


def read_metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    """Collect metadata, preferring the most precise source: JSON-LD, then OpenGraph/meta, then markup."""
    tags = _MetaTags(tree)
    ld = jsonld.read_json_ld(tree)
    article = ld.article
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_href = canonical.attributes.get("href") if canonical else None
    base = url or canonical_href
    canonical_url = _canonical_url(
        canonical_href or tags.first("og:url") or first_str(article.get("url")), base
    )
    site_name = (
        tags.first("og:site_name")
        or next(iter(jsonld.names(article.get("publisher"))), None)
        or next(iter(ld.publishers), None)
        or tags.first("application-name")
    )
    headline = article.get("headline") if isinstance(article.get("headline"), str) else None
    title_node = tree.css_first("title")
    tagged_titles = [tags.first("og:title"), tags.first("twitter:title"), title_node and title_node.text()]
    ld_description = article.get("description")
    # article:published_time before JSON-LD: where they disagree, SEO plugins' JSON-LD more often
    # carries another date (first draft, first version) than the one the page shows.
    published = (
        tags.first("article:published_time")
        or first_str(article.get("datePublished"))
        or tags.first(*_PUBLISHED_TAGS)
    )
    html_node = tree.css_first("html")
    image = tags.first("og:image", "og:image:url", "twitter:image") or first_str(article.get("image"))
    body = article.get("articleBody")
    count = article.get("wordCount")
    # The first that names a language: a page may carry a charset or a placeholder in one of them.
    languages = (
        html_node.attributes.get("lang") if html_node else None,
        *(tags.first(key) for key in ("og:locale", "content-language", "language")),
        first_str(article.get("inLanguage")),
    )
    return Metadata(
        canonical_url=canonical_url,
        site_name=site_name,
        title=read_title(tree, headline, tagged_titles, site_name, canonical_url or url),
        description=tags.first("og:description", "description", "twitter:description")
        or (fold_whitespace(ld_description) if isinstance(ld_description, str) else None),
        authors=read_authors(tree, article, tags.all("author") + tags.all("article:author"), site_name),
        published=stated_date(published, tree),
        modified=normalise_date(first_str(article.get("dateModified")) or tags.first(*_MODIFIED_TAGS)),
        language=next((code for code in map(language_subtag, languages) if code), None),
        section=tags.first("article:section") or first_str(article.get("articleSection")),
        tags=_keywords(tags, article),
        image=urljoin(base, image) if image and base else image,
        og_type=(tags.first("og:type") or "").lower() or None,
        ld_types=ld.types,
        article_body=body if isinstance(body, str) and body.strip() else None,
        word_count=int(count) if isinstance(count, int | str) and str(count).strip().isdigit() else None,
    )


def _canonical_url(candidate: str | None, base: str | None) -> str | None:
    """`<link rel=canonical>`, else og:url, else the JSON-LD url, made absolute against the page's URL."""
    if candidate and (base or candidate.startswith("http")):
        return urljoin(base or candidate, candidate.strip())
    return None


# Registered subtags that name no language: undetermined, multiple, uncoded, no linguistic content.
_NO_LANGUAGE = frozenset({"und", "mul", "mis", "zxx"})


def language_subtag(value: str | None) -> str | None:
    """The primary language subtag of a language tag as pages write it ('en' of 'en-GB', 'en_US', 'EN',
    'eng'), or None when it is no language of the IANA subtag registry:
    'utf-8' (a charset in Content-Language), 'x-default', 'und', a private-use 'qaa'. Of a list
    ('de, en'), the first."""
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip(), maxsplit=1)[0]
    if not primary.isascii() or not primary.isalpha():
        return None
    try:
        # As written when it is registered ('tl' stays Tagalog), else as the registry's own code ('eng').
        language = langcodes.Language.get(primary, normalize=False)
        if not language.is_valid():
            language = langcodes.Language.get(primary)
    except langcodes.LanguageTagError:
        return None
    code = language.language
    if not language.is_valid() or not code or code in _NO_LANGUAGE or "qaa" <= code <= "qtz":
        return None
    return code


def _keywords(tags: _MetaTags, article: dict[str, Any]) -> list[str]:
    keywords = article.get("keywords")
    found = tags.all("article:tag") or (
        keywords if isinstance(keywords, list) else (keywords or tags.first("news_keywords") or "").split(",")
    )
    return list(dict.fromkeys(t for t in (fold_whitespace(str(t)) for t in found) if t))
