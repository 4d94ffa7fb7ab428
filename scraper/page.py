"""The contract between the pipeline and every cleaner: the parsed `Page` a cleaner reads, and the
`Cleaned` result it returns. It lives in the core so that the pipeline, the cleaners and every entry
point depend on it, and it on none of them (`cleaners.base` re-exports it for site modules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.blocks import read_paragraphs
from scraper.evidence import Evidence
from scraper.metadata import Metadata


@dataclass(slots=True)
class Page:
    """A parsed page handed to cleaners. Cleaners may modify `tree` (it is parsed for them alone)."""

    tree: LexborHTMLParser
    url: str | None
    meta: Metadata
    html: str  # the decoded document the tree was parsed from, for steps that need the unmodified page
    evidence: Evidence  # what the page says about its article, read before any cleaner changed the tree
    # A markdown or HTML body, links or images are asked for: cleaners read paragraphs as
    # `scraper.blocks.Block`s (`paragraphs`), which keep their structure, links resolved against `base`.
    structured: bool = False
    base: str | None = None

    def paragraphs(self, node: LexborNode) -> list[str]:
        """The paragraphs of a subtree of the page, as the cleaners read them."""
        return read_paragraphs(node, self.base, self.structured)


@dataclass(slots=True)
class Cleaned:
    """What a cleaner found. `None` fields fall back to the page metadata; `published` is the date a
    site cleaner read from its markup (`scraper.dates.published` decides the article's)."""

    paragraphs: list[str]
    is_article: bool
    cleaner: str
    version: str
    fallback_from: str | None = None  # the site cleaner that could not clean the page
    title: str | None = None
    authors: list[str] | None = None
    published: str | None = None
    modified: str | None = None
    dateline: str | None = None
    section: str | None = None
    tags: list[str] | None = None
    caption: str | None = None
    credit: str | None = None
    description: str | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) for --explain
    shown: LexborNode | None = None  # the page as the generic cleaner kept it (pruned), for its dates
