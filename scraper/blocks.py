"""The structure of an article's paragraphs, for the markdown and HTML bodies, `links` and `images`.

A cleaner decides which paragraphs make the article; the text body is those paragraphs joined. When a
structured body is asked for (`Page.structured`), each paragraph the cleaner reads is a `Block`: a
`str` (its text, exactly the paragraph of the text body, which every filter reads, compares, keeps or
drops as before) that also carries what it was on the page: a paragraph, a heading, a list item, a
quotation, preformatted text or a table cell, its inline emphasis, code and links (absolute URLs), and
the figures shown just before it. So the markdown and HTML bodies are rendered (`scraper.render`) from
the very paragraphs the text body is made of, and hold nothing the text body would not.

Two readings make blocks: `blocks` reads a parsed subtree (site cleaners, the standfirst, the generic
cleaner's own reading of very large pages) with the same paragraph breaks as `scraper.text.paragraphs`;
`align` gives structure to paragraphs read as plain text (the generic cleaner's trafilatura text) from a
structured reading of the same document, paragraph by paragraph, by their text: a paragraph that finds
no twin stays a plain paragraph, so structure may be lost but text never changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import escape
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.article import BodyImage
from scraper.text import BLOCK_TAGS, fold_whitespace, paragraphs, walk


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of a paragraph's text with one formatting: emphasis, strong, code, a link."""

    text: str
    em: bool = False
    strong: bool = False
    code: bool = False
    href: str | None = None


class Block(str):
    """A paragraph of the article (its text, as a `str`) and its structure.

    `kind`: "p", "h" (heading, `level` 1-6), "li" (list item, `level` its nesting depth from 1,
    `ordered`), "quote" (a paragraph of a blockquote), "pre" (preformatted), "cell" (a table cell,
    `header` for th, `row_start` for the first cell of a row), "row" (a table row read as one paragraph,
    `| a | b |`: its `cells` are cell blocks, which hold its formatting). `runs` hold its text with
    inline formatting (joined, they are the text); `figures` are the images shown just before it."""

    kind: str
    level: int
    ordered: bool
    header: bool
    row_start: bool
    runs: tuple[Run, ...]
    figures: tuple[BodyImage, ...]
    cells: tuple[Block, ...]

    def __new__(
        cls,
        text: str,
        kind: str = "p",
        runs: tuple[Run, ...] | None = None,
        *,
        level: int = 0,
        ordered: bool = False,
        header: bool = False,
        row_start: bool = False,
        figures: tuple[BodyImage, ...] = (),
        cells: tuple[Block, ...] = (),
    ) -> Block:
        block = super().__new__(cls, text)
        block.kind, block.level, block.ordered = kind, level, ordered
        block.header, block.row_start = header, row_start
        block.runs = runs if runs is not None else ((Run(text),) if text else ())
        block.figures = figures
        block.cells = cells
        return block

    def _fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "ordered": self.ordered,
            "header": self.header,
            "row_start": self.row_start,
            "figures": self.figures,
            "cells": self.cells,
        }

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with its structure (worker processes)
        return (_rebuild, (str(self), self.runs, self._fields()))


def _rebuild(text: str, runs: tuple[Run, ...], fields: dict[str, Any]) -> Block:
    return Block(text, runs=runs, **fields)


def with_text(paragraph: str, text: str) -> str:
    """The paragraph cut to `text`, a prefix of it (a credit cut off its end), keeping its structure."""
    if not isinstance(paragraph, Block):
        return text
    runs = []
    left = len(text)
    for run in paragraph.runs:
        if left <= 0:
            break
        part = run.text[:left].rstrip() if len(run.text) >= left else run.text
        if part:
            runs.append(replace(run, text=part))
        left -= len(run.text)
    return Block(text, runs=tuple(runs), **paragraph._fields())


# Inline formatting by tag.
_EM, _STRONG, _CODE = (
    frozenset("em i cite dfn var".split()),
    frozenset("strong b".split()),
    frozenset("code kbd samp tt".split()),
)
_LISTS = frozenset(("ul", "ol"))
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original")
_CAPTION_LEVELS = 3  # how far up from an image a caption block beside it may sit


def base_url(tree_root: LexborNode | None, url: str | None) -> str | None:
    """What relative addresses in the page resolve against: its `<base href>`, else its URL."""
    base = tree_root.css_first("base[href]") if tree_root is not None else None
    href = base.attributes.get("href") if base is not None else None
    if href and href.strip():
        return urljoin(url or "", href.strip())
    return url


def absolute(address: str | None, base: str | None) -> str | None:
    """An address made absolute against `base`; None for none, a script or inline data."""
    address = (address or "").strip()
    if not address or address.lower().startswith(("javascript:", "data:")):
        return None
    return urljoin(base, address) if base else address


def _number(value: str | None) -> int | None:
    digits = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return int(digits.group(1)) if digits and int(digits.group(1)) > 0 else None


def caption_of(img: LexborNode) -> str | None:
    """The figcaption of the image's figure, else a block named as a caption that sits beside the
    image or beside a block holding it (a CMS field of its own), a few levels up at most."""
    node = img if img.tag == "figure" else img.parent
    for _ in range(_CAPTION_LEVELS):
        if node is None:
            return None
        found = node.css_first("figcaption") if node.tag == "figure" else None
        found = found or next(
            (
                child
                for child in node.iter()
                if "caption" in (child.attributes.get("class") or "").lower()
                and child.css_first("img") is None
            ),
            None,
        )
        if found is not None and (text := fold_whitespace(found.text(deep=True))):
            return text
        node = node.parent
    return None


def figure_of(node: LexborNode, base: str | None) -> BodyImage | None:
    """The figure an `<img>`, `<picture>` or `<figure>` shows; None when it shows no image."""
    img = node if node.tag == "img" else node.css_first("img")
    if img is None:
        return None
    attrs = img.attributes
    src = next((s for key in IMAGE_SOURCES if (s := absolute(attrs.get(key), base))), None)
    if src is None:
        return None
    alt = fold_whitespace(attrs.get("alt") or "") or None
    if node.tag == "img":  # a bare image: a caption only in its own attribute (`keep_dropped_figures`)
        caption = fold_whitespace(attrs.get("data-caption") or "") or None
    else:
        caption = caption_of(node if node.tag == "figure" else img)
    return BodyImage(src, alt, caption, _number(attrs.get("width")), _number(attrs.get("height")))


def keep_dropped_figures(body: LexborNode, drops: tuple[str, ...], base: str | None) -> None:
    """Before a site cleaner drops the body's `figure`s (to keep their captions out of the text), a bare
    `<img>` (no text; its caption in `data-caption`) takes each one's place beside it, so a structured
    body still shows the figure where it stood. A figure inside a dropped block (a related-articles
    list) goes with the block, its stand-in too."""
    dropped = {node.mem_id for selector in drops for node in body.css(selector)}
    for node in body.css("figure"):
        if node.mem_id in dropped and (figure := figure_of(node, base)) is not None:
            attrs = {
                "src": figure.url,
                "alt": figure.alt or "",
                "data-caption": figure.caption,
                "width": figure.width,
                "height": figure.height,
            }
            markup = " ".join(f'{key}="{escape(str(v))}"' for key, v in attrs.items() if v is not None)
            stand_in = LexborHTMLParser(f"<img {markup}>").css_first("img")
            assert stand_in is not None
            node.insert_before(stand_in)


def as_paragraphs(paras: list[str]) -> list[str]:
    """A standfirst's blocks as paragraphs: a heading tag there (`h2.sub-title`) sets the summary's type
    size, it heads no section of the article."""
    return [
        Block(para, runs=para.runs, **{**para._fields(), "kind": "p", "level": 0})
        if isinstance(para, Block) and para.kind == "h"
        else para
        for para in paras
    ]


@dataclass(slots=True)
class _Context:
    """What the elements open around the text being read say about it."""

    stack: list[LexborNode]
    base: str | None

    def marks(self) -> tuple[bool, bool, bool, str | None]:
        em = strong = code = False
        href = None
        for node in self.stack:
            tag = node.tag
            em = em or tag in _EM
            strong = strong or tag in _STRONG
            code = code or (tag in _CODE and not any(n.tag == "pre" for n in self.stack))
            if tag == "a" and href is None:
                href = absolute(node.attributes.get("href"), self.base)
        return em, strong, code, href

    def kind(self) -> dict[str, Any]:
        for node in reversed(self.stack):
            tag = node.tag
            if tag in _HEADINGS:
                return {"kind": "h", "level": _HEADINGS[tag]}
            if tag == "li":
                lists = [n.tag for n in self.stack if n.tag in _LISTS]
                return {
                    "kind": "li",
                    "level": max(len(lists), 1),
                    "ordered": bool(lists) and lists[-1] == "ol",
                }
            if tag in ("td", "th"):
                return {"kind": "cell", "header": tag == "th"}
            if tag == "pre":
                return {"kind": "pre"}
            if tag == "blockquote":
                return {"kind": "quote"}
        return {"kind": "p"}


def blocks(root: LexborNode, base: str | None) -> list[Block]:
    """`scraper.text.paragraphs(root)` as blocks: the same paragraphs, with their structure; links and
    images resolved against `base`. Images outside any paragraph go with the next paragraph."""
    out: list[Block] = []
    parts: list[tuple[str, tuple[bool, bool, bool, str | None]]] = []
    kind: dict[str, Any] | None = None
    figures: list[BodyImage] = []
    context = _Context([], base)
    row_open = False

    def flush() -> None:
        nonlocal kind, row_open
        text = fold_whitespace("".join(part for part, _ in parts))
        if text:
            fields = kind or {"kind": "p"}
            if fields["kind"] == "cell":
                fields = {**fields, "row_start": row_open}
                row_open = False
            if fields["kind"] == "h":  # a heading is bold already: <h3><b>...</b></h3> is no more
                parts[:] = [(part, (em, False, code, href)) for part, (em, _, code, href) in parts]
            out.append(Block(text, runs=_respace(parts, text), figures=tuple(figures), **fields))
            figures.clear()
        parts.clear()
        kind = None

    for node, entering in walk(root):
        tag = node.tag
        if tag == "-text":
            if entering and (value := node.text_content or ""):
                if kind is None and value.strip():
                    kind = context.kind()
                parts.append((value, context.marks()))
            continue
        if tag in BLOCK_TAGS:
            flush()
        if entering and tag in ("img", "picture", "figure") and (figure := figure_of(node, base)):
            figures.append(figure)
        if tag == "tr" and entering:
            row_open = True
        if entering:  # every element is entered and left once: the stack holds the open ones
            context.stack.append(node)
        else:
            context.stack.pop()
    flush()
    return out


def _squash(text: str) -> str:
    return "".join(text.replace("\u200b", "").replace("\ufeff", "").split())


def _respace(parts: list[tuple[str, tuple[bool, bool, bool, str | None]]], text: str) -> tuple[Run, ...]:
    """Runs whose texts are slices of `text` (the folded paragraph), one per formatted part: their
    whitespace is the paragraph's, and runs neither start nor end with a space (markdown needs that
    for emphasis)."""
    runs: list[Run] = []
    pos = 0
    for raw, (em, strong, code, href) in parts:
        core = _squash(raw)
        if not core:
            continue
        start = pos
        while start < len(text) and text[start].isspace():
            start += 1
        end, matched = start, 0
        while end < len(text) and matched < len(core):
            if not text[end].isspace():
                matched += 1
            end += 1
        if _squash(text[start:end]) != core:
            return (Run(text),)  # not a reading of this text: no formatting rather than a wrong one
        if start > pos:
            runs.append(Run(text[pos:start]))
        runs.append(Run(text[start:end], em, strong, code, href))
        pos = end
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return tuple(_merged(runs))


def _merged(runs: list[Run]) -> Iterator[Run]:
    """Neighbouring runs of the same formatting as one."""
    current: Run | None = None
    for run in runs:
        if current is not None and replace(current, text="") == replace(run, text=""):
            current = replace(current, text=current.text + run.text)
            continue
        if current is not None:
            yield current
        current = run
    if current is not None:
        yield current


def align(paras: list[str], readings: list[Block]) -> list[str]:
    """The paragraphs, each as the block of `readings` (a structured reading of the same document) that
    has the same text, whitespace aside, taken in order; a paragraph without one stays as it is. A block
    that the plain reading split into lines (its source's line breaks) gives each line its kind (lines of
    preformatted text are paragraphs) and its part of the formatting, its figures to the first. Readings
    that match no paragraph (links the structured reading kept) are left out with their figures."""
    out: list[str] = []
    pos = used = 0  # readings[pos]'s first `used` characters (whitespace aside) are earlier paragraphs'
    squashed = [_squash(block) for block in readings]
    for para in paras:
        key = _squash(para)
        rest = [text[used:] if i == pos else text for i, text in enumerate(squashed[pos:], pos)]
        found = next((i for i, text in enumerate(rest, pos) if text == key), None)
        if found is None:
            found = next((i for i, text in enumerate(rest, pos) if key and text.startswith(key)), None)
        if found is None:
            row = _row(para, readings, squashed, pos + (used > 0))
            out.append(para if row is None else row[0])
            if row is not None:
                pos, used = row[1], 0
            continue
        block, start = readings[found], used if found == pos else 0
        parts = [
            (part, (run.em, run.strong, run.code, run.href))
            for run, (first, last) in zip(block.runs, _run_spans(block.runs), strict=True)
            if (part := _squashed_slice(run.text, max(start - first, 0), start + len(key) - first))
            and last > start
        ]
        whole = start == 0 and len(key) == len(squashed[found])
        fields = block._fields() | ({} if start == 0 else {"figures": ()})
        if not whole and block.kind == "pre":  # preformatted text read line by line: paragraphs
            fields["kind"] = "p"
        out.append(Block(para, runs=_respace(parts, para), **fields))
        pos, used = (found + 1, 0) if start + len(key) >= len(squashed[found]) else (found, start + len(key))
    return out


def _row(para: str, readings: list[Block], squashed: list[str], pos: int) -> tuple[Block, int] | None:
    """A table row of the plain reading (`| a | b |`, one paragraph) as a "row" block of the cells of the
    structured reading that say its cells, the first of them at or after `pos`; with the index after
    them. None when it is no row, or no run of cells says it."""
    keys = [key for segment in para.split("|") if (key := _squash(segment))]
    if not para.startswith("|") or not keys:
        return None
    for first in range(pos, len(readings) - len(keys) + 1):
        cells = tuple(readings[first : first + len(keys)])
        if squashed[first : first + len(keys)] == keys and all(c.kind == "cell" for c in cells):
            return Block(para, "row", figures=cells[0].figures, cells=cells), first + len(keys)
    return None


def _run_spans(runs: tuple[Run, ...]) -> Iterator[tuple[int, int]]:
    """Where each run starts and ends in its block's text, whitespace aside."""
    first = 0
    for run in runs:
        last = first + len(_squash(run.text))
        yield first, last
        first = last


def _squashed_slice(text: str, start: int, stop: int) -> str:
    """The part of `text` that holds its characters `start` to `stop`, whitespace aside."""
    kept = [i for i, char in enumerate(text) if _squash(char)]
    stop = min(stop, len(kept))
    return text[kept[start] : kept[stop - 1] + 1] if start < stop else ""


def read_paragraphs(node: LexborNode, base: str | None, structured: bool) -> list[str]:
    """A subtree's paragraphs: plain strings, or blocks when a structured body is asked for."""
    return list(blocks(node, base)) if structured else paragraphs(node)
