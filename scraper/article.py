"""The article record every entry point produces, and its JSON form."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any

import orjson

# Chinese and Japanese are written without spaces: each ideograph or kana counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:[-'’][^\W{_CJK}]+)*")


def word_count(body: str) -> int:
    """Words in the body: runs of letters/digits (with inner hyphens and apostrophes), CJK characters."""
    return len(_WORD.findall(body))


def has_words(text: str, count: int) -> bool:
    """Whether the text has at least `count` words (as `word_count` counts them), reading no further."""
    return next(islice(_WORD.finditer(text), count - 1, None), None) is not None


def content_hash(title: str | None, body: str) -> str:
    """A hash of what a reader sees, so a re-fetch of an unchanged article hashes the same
    (whitespace differences and page chrome do not count)."""
    text = " ".join(f"{title or ''}\n{body}".split())
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def fetch_time(moment: datetime | None = None) -> str:
    """A `fetched_at` value: ISO 8601 in UTC to the microsecond, as WARC/1.1 writes its WARC-Date."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(slots=True)
class Image:
    url: str
    caption: str | None = None


@dataclass(slots=True)
class Link:
    """A link in the article's text: its words and its absolute address."""

    text: str
    url: str


@dataclass(frozen=True, slots=True)
class BodyImage:
    """An image in the article's text: its absolute address and what the page says of it."""

    url: str
    alt: str | None = None
    caption: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(slots=True)
class CleanerInfo:
    name: str
    version: str
    fallback_from: str | None = None  # the site cleaner that could not clean the page


@dataclass(slots=True)
class Article:
    """One cleaned page. Field order is the JSON order; `None` means the page does not say."""

    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    site_name: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    fetched_at: str | None = None  # when the page was fetched, where that is known (crawls, WARC)
    dateline: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: Image | None = None
    body_format: str = "text"  # what `body` is written in: text, markdown or html (on request)
    body: str = ""
    links: list[Link] | None = None  # the article's links, when asked for (else None)
    images: list[BodyImage] | None = None  # the article's images, when asked for (else None)
    word_count: int = 0
    credit: str | None = None
    is_article: bool = False
    cleaner: CleanerInfo = field(default_factory=lambda: CleanerInfo("generic", "0"))
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (nested records as dicts), e.g. for a DataFrame or another serialiser."""
        return asdict(self)

    def to_json(self) -> bytes:
        """One JSON line as UTF-8 bytes (without the newline), to write to a file or socket."""
        return orjson.dumps(self)  # orjson serialises (slotted) dataclasses natively

    def __str__(self) -> str:
        """The same JSON line as text: `print(article)` shows the record."""
        return self.to_json().decode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        if data.get("image") is not None:
            data["image"] = Image(**data["image"])
        if data.get("cleaner") is not None:
            data["cleaner"] = CleanerInfo(**data["cleaner"])
        if data.get("links") is not None:
            data["links"] = [Link(**link) for link in data["links"]]
        if data.get("images") is not None:
            data["images"] = [BodyImage(**image) for image in data["images"]]
        return cls(**data)


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of an article line, shipped in the package."""
    return json.loads(resources.files("scraper").joinpath("article.schema.json").read_text("utf-8"))
