"""The standfirst (dek, lead, intro) of a story the generic cleaner reads: the summary a page shows
between the headline and the text. trafilatura leaves it out with the page header, but it is the
story's first paragraph, so the generic cleaner puts it back in front of the text trafilatura read."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.blocks import as_paragraphs
from scraper.page import Page
from scraper.text import fold_whitespace

# A summary's length: shorter is a slogan or a label, longer is the story itself.
_CHARS = range(40, 1000)
# Class names of a standfirst block, as whole parts between separators ("article__intro", "dek",
# "c-intro", "post__excerpt", "teaser-text", "entry-subtitle").
_NAME = re.compile(
    r"(?:^|[-_])(?:lead|leadtext|lede|intro|standfirst|excerpt|preamble|dek|summary|abstract|"
    r"teaser-?text|subtitle|sub-?headline|highlights|key-?points|takeaways)(?:$|[-_])",
    re.I,
)
# The same words for a CSS pre-selection (with the h1, to keep document order), checked by `_NAME` after.
_WORDS = (
    "lead lede intro standfirst excerpt preamble dek summary abstract teaser subtitle headline highlights "
    "points takeaways"
)
_NAMED = "h1, " + ", ".join(f"[class*={word} i]" for word in _WORDS.split())
_MEDIA = "img, figure, picture, video, figcaption"  # a block showing media is a picture and its caption
_HEADING_LEVELS = 4  # how far above the h1 the header block holding the standfirst may start


def standfirst(page: Page, root: LexborNode, shown: str, kept: list[str]) -> list[str]:
    """The paragraphs of the standfirst shown on the pruned page `root` (whose text is `shown`) that
    are not yet among the `kept` paragraphs: the block saying the meta description, else the block
    named as one below the headline. Empty when there is none."""
    text = _squash(" ".join(kept))
    return as_paragraphs(_described(page, root, shown, text) or _named(page, root, text))


def _squash(text: str) -> str:
    """The text without whitespace: blocks and inline markup space words differently."""
    return "".join(text.split())


def _described(page: Page, root: LexborNode, shown: str, text: str) -> list[str]:
    """The block below the headline whose text is the page's description (give or take a dateline)."""
    desc = fold_whitespace(page.meta.description or "")
    short = desc.rstrip(".… ")  # a description cut short ends in an ellipsis
    squashed = _squash(short)
    if len(short) not in _CHARS or squashed in text or squashed[:40] not in _squash(shown):
        return []
    head, headings = short[:20], root.css("h1")
    # A summary sits below the headline, a site's tagline above it (a lone h1 is the headline).
    headline = headings[0].mem_id if len(headings) == 1 else None
    below = headline is None
    for node in root.traverse(include_text=True):
        if not below:
            below = node.mem_id == headline
            continue
        if node.tag != "-text" or not (part := fold_whitespace(node.text_content or "")):
            continue
        if head not in part and not short.startswith(part):
            continue
        # Up from the text to the block that holds all of the description and little else.
        block = node.parent
        while block is not None and block.mem_id != root.mem_id:
            whole = block.text(deep=True)
            if len(whole) > len(desc) * 1.5 + 20 or block.tag == "h1" or block.css_first("h1") is not None:
                break
            if squashed in _squash(whole):
                return page.paragraphs(block)  # paragraphs, list items, blocks: one each
            block = block.parent
    return []


def _named(page: Page, root: LexborNode, text: str) -> list[str]:
    """The first block below the (first) h1, within the header around it, whose class names a
    standfirst."""
    heading = root.css_first("h1")
    if heading is None:
        return []
    header = heading
    for _ in range(_HEADING_LEVELS):
        header = header.parent or header
    below = False
    for node in header.css(_NAMED):
        if node.mem_id == heading.mem_id:
            below = True
            continue
        names = (node.attributes.get("class") or "").split()
        if not below or not any(_NAME.search(name) for name in names):
            continue
        if node.tag in ("figure", "figcaption") or node.css_first(_MEDIA) is not None:
            continue
        block = fold_whitespace(node.text(deep=True))
        if len(block) not in _CHARS or node.css_first("a[href]") is not None:
            continue
        return [] if _squash(block) in text else page.paragraphs(node)
    return []
