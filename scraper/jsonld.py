"""JSON-LD, as real pages write it: the page's article object, its types and its publishers' names.

Blocks are parsed leniently (comments and CDATA wrappers, raw control characters, trailing commas; as
a last resort the flat string fields are salvaged), and `@graph` and lists are flattened."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser

from scraper.text import fold_whitespace

ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle BlogPosting LiveBlogPosting Report "
    "ScholarlyArticle SatiricalArticle TechArticle Review".split()
)
LISTING_TYPES = frozenset(["CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"])
_PUBLISHER_TYPES = frozenset(["Organization", "NewsMediaOrganization", "WebSite"])

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_LD_STRING_FIELD = re.compile(
    r'"(@type|headline|name|datePublished|dateModified|inLanguage|url)"\s*:\s*"([^"]*)"'
)


@dataclass(slots=True)
class JsonLd:
    """What a page's JSON-LD blocks say, together."""

    article: dict[str, Any] = field(default_factory=dict)  # the first article object (or headlined WebPage)
    types: set[str] = field(default_factory=set)  # every @type on the page
    publishers: list[str] = field(default_factory=list)  # names of its organisations and websites


def read_json_ld(tree: LexborHTMLParser) -> JsonLd:
    found = JsonLd()
    for script in tree.css('script[type="application/ld+json"]'):
        for obj in _objects(_load(script.text(deep=True) or "")):
            types = _types(obj)
            found.types |= types
            if (types & ARTICLE_TYPES and not found.article) or (
                "WebPage" in types and not found.article and obj.get("headline")
            ):
                found.article = obj
            if types & _PUBLISHER_TYPES:
                found.publishers += names(obj)
    return found


def _load(raw: str) -> Any:
    """Parse one JSON-LD block, tolerating what real pages get wrong: comments and CDATA wrappers,
    raw control characters, trailing commas; as a last resort, salvage flat string fields."""
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw), strict=False)
    except json.JSONDecodeError:
        salvaged: dict[str, str] = {}
        for key, value in _LD_STRING_FIELD.findall(raw):
            salvaged.setdefault(key, value)
        return salvaged or None


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, flattening lists and @graph."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            if "@graph" in item:
                stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value: a string, an object, or lists of them, nested
    too (`[[{"@type": "Person", "name": ...}]]`), each object by its own name, never its printed form."""
    found = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
            continue
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list) and all(isinstance(part, str) for part in name):
            name = " ".join(name)  # a name given in parts
        if isinstance(name, list | dict):
            pending.append(name)  # a person where its name should be
        elif isinstance(name, str) and (name := fold_whitespace(name)) and not name.startswith("http"):
            found.append(name)
    return found


def first_str(value: Any) -> str | None:
    """The first string of a JSON-LD value: of a list its first item, of an object its url, @id or name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    return fold_whitespace(value) or None if isinstance(value, str) else None
