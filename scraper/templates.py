"""Site templates learned from several pages: a block whose text repeats on several distinct pages of
one site (menus, prompts, "most read" lists, footers, disclaimers) is boilerplate on that site.

    store = TemplateStore.load(path)            # or TemplateStore() for a new crawl
    store.add(site, page_id, page_blocks(root)) # every page seen, before it is cleaned
    store.boilerplate(site)                     # block-text hashes to drop on that site
    store.save(path)                            # beside the crawl state

Templates are data, not code: a store only holds hashes and counts."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from selectolax.lexbor import LexborNode

from scraper.text import BLOCK_TAGS, fold_whitespace

# Blocks whose text is compared across pages; a div or section counts when it holds no other block.
_LEAF_BLOCKS = "p, li, h2, h3, h4, h5, h6, blockquote, pre, dt, dd, td, th, figcaption, div, section"
_CONTAINERS = frozenset(("div", "section"))
MIN_PAGES = 3  # a block on this many distinct pages of a site is template
MAX_PAGES = 200  # pages learned per site; later pages use the template but do not change it


def blocks(root: LexborNode) -> Iterator[tuple[LexborNode, str]]:
    """(node, text) for every leaf block with text under `root`."""
    for node in root.css(_LEAF_BLOCKS):
        if node.tag in _CONTAINERS and any(child.tag in BLOCK_TAGS for child in node.iter()):
            continue
        if text := fold_whitespace(node.text(deep=True, separator=" ")):
            yield node, text


def block_hash(text: str) -> str:
    return hashlib.blake2b(text.casefold().encode("utf-8"), digest_size=8).hexdigest()


def page_blocks(root: LexborNode) -> frozenset[str]:
    """The hashes of a page's blocks (read before cleaning modifies the tree): what a store counts."""
    return frozenset(block_hash(text) for _, text in blocks(root))


@dataclass(slots=True)
class SiteTemplate:
    pages: set[str] = field(default_factory=set)  # hashes of the page ids learned from
    blocks: dict[str, int] = field(default_factory=dict)  # block hash -> distinct pages holding it


@dataclass(slots=True)
class TemplateStore:
    sites: dict[str, SiteTemplate] = field(default_factory=dict)
    min_pages: int = MIN_PAGES

    def add(self, site: str, page_id: str, digests: frozenset[str]) -> None:
        """Count one page's blocks (`page_blocks`). `page_id` (the canonical URL, else the URL) makes a
        re-fetched page count once."""
        template = self.sites.setdefault(site, SiteTemplate())
        key = block_hash(page_id)
        if key in template.pages or len(template.pages) >= MAX_PAGES:
            return
        template.pages.add(key)
        for digest in digests:
            template.blocks[digest] = template.blocks.get(digest, 0) + 1

    def boilerplate(self, site: str) -> frozenset[str]:
        template = self.sites.get(site)
        if template is None:
            return frozenset()
        return frozenset(digest for digest, count in template.blocks.items() if count >= self.min_pages)

    def save(self, path: Path) -> None:
        """Atomically: a run killed while saving, or one saving at the same time, leaves a whole store."""
        data = {site: {"pages": sorted(t.pages), "blocks": t.blocks} for site, t in self.sites.items()}
        part = path.with_name(f".{path.name}.{os.getpid()}")  # per process: two runs never write one file
        with open(part, "wb") as file:
            file.write(orjson.dumps({"min_pages": self.min_pages, "sites": data}))
            file.flush()
            os.fsync(file.fileno())  # the data must reach the disk before the rename does
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path) -> TemplateStore:
        """A store from `save`; an empty one when the file does not exist yet."""
        if not path.exists():
            return cls()
        data = orjson.loads(path.read_bytes())
        sites = {site: SiteTemplate(set(t["pages"]), dict(t["blocks"])) for site, t in data["sites"].items()}
        return cls(sites, data["min_pages"])
