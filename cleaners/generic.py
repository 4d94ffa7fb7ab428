"""The generic cleaner, for every site without a cleaner of its own.

Everything cheap happens first, on the one selectolax tree (`cleaners.generic_prune`): page chrome and
the boilerplate families (related and most-read lists, teaser cards, newsletter and subscribe boxes,
share bars, bios, consent banners) are pruned by tag, role, class/id wording and link structure, along
with the blocks a learned site template marks as repeated and the other stories appended below the
article. trafilatura then reads only what is left: the `<article>` holding the headline when there is
one, else the pruned page (the whole page again if pruning left too little, and the HTML in the page's
script data when the markup holds no story). Its paragraphs are filtered by wording (prompts in many
languages, the headline itself), date lines, bylines and teaser links go, credits are moved out, the
standfirst shown above the text is put back in front of it (`cleaners.generic_lead`), and the page is
judged: a front, listing, home, menu or error page is not an article. The pruned page goes with the
result: the date line it shows may correct the article's date (`scraper.dates.published`)."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaners.base import lead_once_first, pop_credits
from cleaners.boilerplate import DROP_SELECTORS, dateline_of, drop_text
from cleaners.generic_lead import standfirst
from cleaners.generic_prune import HEADLINE_CHARS, main_article, prune
from scraper.article import BodyImage, has_words, word_count
from scraper.blocks import IMAGE_SOURCES, Block, absolute, align, blocks, figure_of
from scraper.dates import is_date_line
from scraper.invariants import SHORT_SHARE
from scraper.page import Cleaned, Page
from scraper.text import fold_whitespace, paragraphs

NAME, VERSION = "generic", "4"  # 4: standfirst, <noscript> stories, more prompt wordings
UNPRUNED = "generic-unpruned"  # the same cleaner reading the page before pruning (the safety net)

# Beyond the shared list: page chrome that is safe to remove when we do not know the site's markup.
GENERIC_DROP = (
    *DROP_SELECTORS,
    "footer",
    "aside",
    '[role="complementary"]',
    '[role="banner"]',
    '[role="contentinfo"]',
    "[hidden]",
    '[aria-hidden="true"]',
    '[style*="display:none"]',
    '[style*="display: none"]',
    "#comments",
    ".comments",
    "[class*=breadcrumb]",
)

_LIST_MARKER = re.compile(r"^[-*•]\s+")
_WORD = re.compile(r"\w")
# A byline above the story, as a paragraph of its own: "Von Karim Natour", "By Ana Ruiz and Tom Lee".
# Case matters: names are capitalised, "By the river" is text.
_BYLINE_PARAGRAPH = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|VON|[Pp]ar|[Pp]or|[Aa]v|[Dd]oor|[Rr]edaktion|[Tt]ext)\s*:?\s+"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+|\s*,\s*|\s*&\s*|\s+(?:and|und|et|y|og|och|e|en)\s+)?){1,6}$"
)
_MIN_WORDS = 25
_MIN_WORDS_SAID_ARTICLE = 10  # a short post is still an article when its metadata says so
_MIN_OWN_WORDS = 50  # words outside links: below this, a page of mostly links is a menu
# A story's own block: its paragraphs hold this many words and this share of all that was read.
_MIN_STORY_BLOCK, _STORY_BLOCK_SHARE = 50, 0.6
_MAIN_ARTICLE_WORDS = 80  # an <article> with the headline and this much text is all trafilatura needs
# Far more text than any article has. Beyond it the page is read paragraph by paragraph, not by
# trafilatura, whose time and memory grow past reason there (20 MB of text: 27 s and 1 GB).
_TRAFILATURA_MAX_CHARS = 2_000_000
# Teasers on a front: headings that link to a story. An article may carry a few (related stories);
# a front has many, and little text beside them.
_LINKED_HEADINGS = "h2 a[href], h3 a[href], h4 a[href], a[href] h2, a[href] h3, a[href] h4"
_FRONT_TEASERS, _FRONT_WORDS_PER_TEASER = 6, 15
# Titles of error pages, in the languages the scraper meets most.
_ERROR_PAGE = re.compile(
    r"\b(404|410|page not found|not found|file not found|seite nicht gefunden|nicht gefunden|"
    r"page introuvable|página no encontrada|pagina non trovata|pagina niet gevonden|"
    r"sidan hittades inte|siden blev ikke fundet)\b",
    re.I,
)


def clean(page: Page, template: frozenset[str] = frozenset(), *, unpruned: bool = False) -> Cleaned:
    """Clean a page; `template` holds the block hashes a learned site template marks as boilerplate.
    `unpruned`: the independent reading the pipeline compares a failed result with: trafilatura reads
    the whole page as it came, and only the paragraph filters and the judgement are ours."""
    result = Cleaned(paragraphs=[], is_article=False, cleaner=UNPRUNED if unpruned else NAME, version=VERSION)
    root = prune(page, GENERIC_DROP, template, result.removed)
    headlines = _headlines(page, root)
    main = main_article(page, root)
    shown = root.text(deep=True)
    if unpruned:
        reading = _Reading(page.html)
    elif len(shown) > _TRAFILATURA_MAX_CHARS:
        reading = _Reading(node=root if main is None else main)
    elif main is not None and has_words(main.text(deep=True, separator=" "), _MAIN_ARTICLE_WORDS):
        # Only the article is left: trafilatura's slow second opinion (other algorithms) adds nothing.
        reading = _Reading(_document(main), fast=True)
    else:  # the pruned body alone: the head's scripts and styles are half the bytes of most pages
        reading = _Reading(_document(root))
    text = reading.text(page)
    if not has_words(text, _MIN_WORDS):  # pruned too much, or markup trafilatura reads only whole
        reading = _Reading(page.html)
        text = reading.text(page)
    if not has_words(text, _MIN_WORDS) and (story := _scripted_story(page)):
        scripted = _Reading(story, fast=True)  # a page that a script renders: the story is in its data
        if has_words(scripted_text := scripted.text(page), _MIN_WORDS):
            reading, text = scripted, scripted_text
    paras = [para for line in text.splitlines() if (para := _LIST_MARKER.sub("", " ".join(line.split())))]
    if page.structured:
        paras = align(paras, reading.blocks(page))
    teasers = _teaser_links(page, root, {para for para in paras if len(para) in HEADLINE_CHARS})
    kept: list[str] = []
    for para in paras:
        if len(kept) < 3 and para.casefold() in headlines:
            result.removed.append(("headline", para))
            continue
        if len(kept) < 3 and _BYLINE_PARAGRAPH.match(para):
            result.removed.append(("byline", para))
            continue
        if para in teasers:
            result.removed.append(("teaser link", para))
            continue
        if drop_text(para):
            result.removed.append(("drop_text", para))
            continue
        if is_date_line(para):
            result.removed.append(("date line", para))
            continue
        if not _WORD.search(para):  # table rules ("| | |") that trafilatura prints for layout tables
            result.removed.append(("no words", para))
            continue
        kept.append(para)
    pop_credits(kept, result)
    result.dateline = dateline_of(kept[0]) if kept else None  # the story's, not the standfirst's
    if kept and (lead := standfirst(page, root, shown, kept)):
        kept = lead_once_first(lead, kept, result)  # trafilatura reads the story, not the summary above it
    result.paragraphs = kept
    result.is_article = is_article(page, kept, root)
    result.shown = root  # its date line may show the publisher's day (`scraper.dates.published`)
    return result


def _document(node: LexborNode) -> str:
    """A node as a whole document: trafilatura reads a lone <body> fragment as nothing. A story found
    in plain blocks goes as an <article>, which trafilatura reads as a whole (lists included)."""
    if node.tag == "body":
        return f"<html>{node.html}</html>"
    if node.tag in ("article", "main", "html"):
        return f"<html><body>{node.html}</body></html>"
    return f"<html><body><article>{node.inner_html}</article></body></html>"


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the article's text is read from: a document trafilatura reads (`fast`: without its second
    opinion), or a subtree read paragraph by paragraph (pages too large for trafilatura). The same
    reading can be done again with structure, for a markdown or HTML body."""

    html: str | None = None
    node: LexborNode | None = None
    fast: bool = False

    def text(self, page: Page) -> str:
        if self.node is not None:
            return "\n".join(paragraphs(self.node))
        return _trafilatura(self.html or "", page.url, self.fast)

    def blocks(self, page: Page) -> list[Block]:
        """The reading's paragraphs with their structure: trafilatura's reading of the document with
        formatting, links and images (its plain text drops them), as HTML."""
        if self.node is not None:
            return blocks(self.node, page.base)
        document = trafilatura.bare_extraction(
            self.html or "",
            url=page.url,
            fast=self.fast,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_formatting=True,
            include_links=True,
            with_metadata=False,
        )
        body = getattr(document, "body", None)
        if body is None:
            return []
        tree = LexborHTMLParser(f"<html><body>{_as_html(body)}</body></html>")
        assert tree.body is not None
        return [_with_page_figures(block, page) for block in blocks(tree.body, page.base)]


# trafilatura's XML elements as HTML (`head`, `list`, `hi` and `cell` by their attributes, below).
_HTML_TAGS = {"item": "li", "quote": "blockquote", "ref": "a", "graphic": "img", "lb": "br", "row": "tr"}
_HI_TAGS = {"#b": "strong", "#i": "em", "#t": "code"}
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_INLINE_PARENTS = frozenset(("p", "item", "cell", "hi", "head", "ref", "quote"))


def _as_html(body: etree._Element) -> str:
    """trafilatura's document body (its XML: head, list/item, quote, code, table/row/cell, hi, ref,
    graphic, lb) as HTML. Its own HTML output would lose ordered lists and set inline code as <pre>."""
    for node in body.iter():
        tag, attrs = node.tag, node.attrib
        if tag == "head":
            node.tag = rend if (rend := attrs.get("rend") or "") in _HEADINGS else "h2"
        elif tag == "list":
            node.tag = "ol" if attrs.get("rend") == "ol" else "ul"
        elif tag == "hi":
            node.tag = _HI_TAGS.get(attrs.get("rend") or "", "span")
        elif tag == "cell":
            node.tag = "th" if attrs.get("role") == "head" else "td"
        elif tag == "code":
            parent = node.getparent()
            node.tag = "code" if parent is not None and parent.tag in _INLINE_PARENTS else "pre"
        elif tag == "ref" and "target" in attrs:
            attrs["href"] = attrs.pop("target")
        node.tag = _HTML_TAGS.get(node.tag, node.tag)
    return etree.tostring(body, encoding="unicode", method="html")


def _with_page_figures(block: Block, page: Page) -> Block:
    """trafilatura keeps an image's address and alt text: its caption and size are read from the page."""
    if not block.figures:
        return block
    figures = tuple(_page_figure(figure, page) or figure for figure in block.figures)
    return Block(block, runs=block.runs, **{**block._fields(), "figures": figures})


def _page_figure(figure: BodyImage, page: Page) -> BodyImage | None:
    for img in page.tree.css("img"):
        sources = (img.attributes.get(key) for key in IMAGE_SOURCES)
        if any(absolute(source, page.base) == figure.url for source in sources):
            holder = img.parent if img.parent is not None and img.parent.tag == "picture" else img
            holder = holder.parent if holder.parent is not None and holder.parent.tag == "figure" else holder
            return figure_of(holder, page.base)
    return None


def _trafilatura(html: str, url: str | None, fast: bool = False) -> str:
    """The text of a whole document."""
    return (
        trafilatura.extract(
            html,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=False,
            fast=fast,
        )
        or ""
    )


# Where pages that render in the browser keep the story: an HTML string in their state data
# (`__NEXT_DATA__`, `window.__INITIAL_STATE__`, ...), under a key naming content.
_SCRIPTED_HTML = re.compile(
    r'"(?:content_?html|body_?html|article_?html|articlebody|html|body|content|text)"\s*:\s*'
    r'"((?:[^"\\]|\\.){200,})"',
    re.I,
)


def _scripted_story(page: Page) -> str | None:
    """The longest HTML string with paragraphs in the page's script data, as a document: for pages whose
    markup holds no story until a script renders it (trafilatura itself reads a JSON-LD articleBody)."""
    best = ""
    for match in _SCRIPTED_HTML.finditer(page.html):
        with contextlib.suppress(ValueError):
            value = json.loads(f'"{match.group(1)}"')
            if "<p" in value and len(value) > len(best):
                best = value
    return f"<html><body>{best}</body></html>" if best else None


def _teaser_links(page: Page, root: LexborNode, candidates: set[str]) -> set[str]:
    """The `candidates` that are the whole text of a link to another page of the site: set as a
    paragraph of its own in a story, such a link is another story's teaser ("Read also" without the
    words). Links within the page (a table of contents) and to other sites (sources) are not teasers."""
    if not candidates:
        return set()
    host = urlsplit(page.url or page.meta.canonical_url or "").hostname
    found = set()
    for link in root.css("a[href]"):
        if (text := fold_whitespace(link.text(deep=True))) in candidates:
            href = link.attributes.get("href") or ""
            if not href.startswith("#") and urlsplit(href).hostname in (None, host):
                found.add(text)
    return found


def _headlines(page: Page, root: LexborNode) -> set[str]:
    """The page's headline as metadata and as the first h1 say it: it is the title, not body text."""
    heading = root.css_first("h1")
    texts = [page.meta.title or "", heading.text(deep=True) if heading else ""]
    return {" ".join(text.split()).casefold() for text in texts if text.strip()}


def is_article(page: Page, paras: list[str], root: LexborNode) -> bool:
    """False for what is not one article: listings by their metadata, home and error pages, pages
    with too little text, and fronts: many linked headings (teasers) and little text per teaser, or
    'text' that is mostly links. `root` is the pruned page the paragraphs come from. Strong evidence
    outweighs the listing, front and menu signs: a page saying it is an article, or one text block
    holding most of what was read (a story with a long list of related stories is still a story)."""
    meta = page.meta
    words = word_count(" ".join(paras))
    if words < (_MIN_WORDS_SAID_ARTICLE if meta.says_article else _MIN_WORDS):
        return False
    block = page.evidence.block_words
    story_block = block >= max(_MIN_STORY_BLOCK, words * _STORY_BLOCK_SHARE) and words >= block * SHORT_SHARE
    if meta.says_listing and not (story_block and page.evidence.has_story_block):
        return False
    address = page.url or meta.canonical_url
    parts = urlsplit(address or "")
    if address and parts.path in ("", "/") and not parts.query and not meta.says_article:
        return False
    if _ERROR_PAGE.search(meta.title or "") and words < 200:
        return False
    if meta.says_article or story_block:
        return True
    teasers = sum(
        len(fold_whitespace(h.text(deep=True))) in HEADLINE_CHARS for h in root.css(_LINKED_HEADINGS)
    )
    front = teasers >= _FRONT_TEASERS and words < teasers * _FRONT_WORDS_PER_TEASER
    link_set = {fold_whitespace(a.text(deep=True)) for a in root.css("a[href]")}
    own = [para for para in paras if para not in link_set]
    menu = len(own) < len(paras) / 2 and word_count(" ".join(own)) < _MIN_OWN_WORDS
    return not front and not menu
