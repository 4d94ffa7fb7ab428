r"""The declarative site API.

A site is one module in `cleaners/`: ``SITE = Site(...)`` declares it once (its name, its domains and
where a crawl starts: `scraper.site`), and ``CLEANER = SiteCleaner(SITE, ...)`` gives one `Layout` per
template version, newest first. The registry finds both by themselves; the site's spider reads `SITE`.

    SITE = Site(
        "example",
        domains=("example.com",),
        start=("https://example.com/news-sitemap.xml", "https://example.com/feed/"),
        article=(r"^/\d{4}/\d{2}/[\w-]+/?$",),      # article links on section pages
    )

    CLEANER = SiteCleaner(
        SITE,
        layouts=(
            Layout(
                version="2024",
                body="article .field-name-body",        # first match is the article text
                drop=(".share-bar", ".related"),         # removed from the page before anything is read
                title="h1.title",
                authors=".byline a",
                published="time[datetime]",
                lead="article ul.highlights",            # standfirst bullets, placed before the body
                caption="figure figcaption",
                drop_text=(r"^Short Url$",),             # paragraphs removed by wording
            ),
        ),
    )

How a page is cleaned: the first layout whose `body` selector matches is used (so an old layout keeps
working for archived pages while the new one serves current pages); fields given by selectors are read
first, then the `drop` blocks and the shared boilerplate (`cleaners.boilerplate`) are removed from inside
the body (a drop never removes the body or a block around it, whatever a redesign does to the classes),
the body is read as paragraphs, prompt paragraphs (`drop_text` + shared) are removed, the text is cut at
the first `stop_text` paragraph (an appended next story), trailing credit lines go to `credit`, and a
dateline is read from the first paragraph. A field without a selector falls back to the page metadata
(JSON-LD, OpenGraph, meta). `hook` is for what a rule cannot say: it receives the page and the result and
may change the result.

A site cleaner may fail, but it never erases: when no layout matches, or its body is far shorter than the
page promises, the pipeline hands the page to the generic cleaner and the record says so
(`cleaner.fallback_from`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaners.boilerplate import DROP_SELECTORS, credit_of, dateline_of, drop_text, trailing_credit
from scraper.article import word_count
from scraper.blocks import as_paragraphs, keep_dropped_figures, with_text
from scraper.bylines import split_authors
from scraper.dates import normalise_date
from scraper.page import Cleaned, Page  # the contract, re-exported for site modules
from scraper.site import Site  # re-exported for site modules
from scraper.text import fold_whitespace, paragraphs


@dataclass(frozen=True)
class Layout:
    """One version of a site's article template. Selectors are CSS (selectolax/lexbor)."""

    version: str
    body: str
    drop: tuple[str, ...] = ()
    title: str | None = None
    authors: str | None = None
    published: str | None = None
    modified: str | None = None
    dateline: str | None = None
    section: str | None = None
    tags: str | None = None
    lead: str | None = None
    caption: str | None = None
    description: str | None = None
    drop_text: tuple[str, ...] = ()
    stop_text: tuple[str, ...] = ()
    credit_text: tuple[str, ...] = ()
    dateline_text: tuple[str, ...] = ()  # site datelines, with a `(?P<dateline>...)` group
    pull_quotes: str | None = None  # blocks dropped when they repeat a sentence of the text
    min_words: int = 20  # fewer words in the body means this is not an article page

    def compiled(self, patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.I | re.S) for p in patterns)


Hook = Callable[[Page, Cleaned], None]

# Code and media: their text is not shown in an explanation of what was removed.
CODE_AND_MEDIA_TAGS = frozenset("script style noscript template svg iframe head".split())


def _texts(tree: LexborHTMLParser, selector: str | None) -> list[str]:
    if not selector:
        return []
    return [t for t in (fold_whitespace(n.text(deep=True)) for n in tree.css(selector)) if t]


def _date(tree: LexborHTMLParser, selector: str | None) -> str | None:
    node = tree.css_first(selector) if selector else None
    if node is None:
        return None
    attrs = node.attributes
    return normalise_date(attrs.get("datetime") or attrs.get("content") or fold_whitespace(node.text()))


def drop_inside(body: LexborNode, selectors: tuple[str, ...], removed: list[tuple[str, str]]) -> None:
    """Remove the blocks matching `selectors` inside `body` (never `body` itself), each recorded as
    (`drop <selector>`, its text) for --explain."""
    drop_outermost(
        [
            (node, f"drop {selector}")
            for selector in selectors
            for node in body.css(selector)
            if node.mem_id != body.mem_id
        ],
        removed,
    )


def drop_outermost(candidates: list[tuple[LexborNode, str]], removed: list[tuple[str, str]]) -> None:
    """Decompose the outermost candidates. Nesting is worked out before anything is freed: a node
    inside a decomposed one must not be touched again."""
    marked = {node.mem_id for node, _ in candidates}
    covered: dict[int, bool] = {}  # node -> it or an ancestor is marked, shared across the walks
    outermost = {
        node.mem_id: (node, rule)
        for node, rule in candidates
        if node.parent is None or not _covered(node.parent, marked, covered)
    }
    for node, rule in outermost.values():
        if node.tag in ("html", "body", "head"):
            continue
        if node.tag not in CODE_AND_MEDIA_TAGS and (
            text := fold_whitespace(node.text(deep=True, separator=" "))
        ):
            removed.append((rule, text))
        node.decompose()


def _covered(node: LexborNode, marked: set[int], covered: dict[int, bool]) -> bool:
    """Whether the node or one of its ancestors is marked. Walks up without recursion (pages nest
    very deep) and remembers every node it passes, so many walks cost one pass over the tree."""
    path: list[int] = []
    current: LexborNode | None = node
    result = False
    while current is not None:
        key = current.mem_id
        if key in covered:
            result = covered[key]
            break
        path.append(key)
        if key in marked:
            result = True
            break
        current = current.parent
    covered.update(dict.fromkeys(path, result))
    return result


@dataclass(frozen=True)
class SiteCleaner:
    site: Site
    layouts: tuple[Layout, ...]
    hook: Hook | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.site.name

    @property
    def domains(self) -> tuple[str, ...]:
        return self.site.domains

    @property
    def version(self) -> str:
        """The cleaner's version: its layouts' versions, newest first. Adding a layout (a redesign) or
        renaming one (give a layout a new version when its rules change) changes it, and a crawl then
        re-judges the pages this cleaner could not read (`scraper.pipeline.judges`)."""
        return ",".join(layout.version for layout in self.layouts)

    def layout_for(self, tree: LexborHTMLParser) -> Layout | None:
        return next((layout for layout in self.layouts if tree.css_first(layout.body) is not None), None)

    def clean(self, page: Page) -> Cleaned | None:
        tree = page.tree
        layout = self.layout_for(tree)
        if layout is None:
            return None
        first = lambda selector: next(iter(_texts(tree, selector)), None)  # noqa: E731
        result = Cleaned(
            paragraphs=[],
            is_article=False,
            cleaner=self.name,
            version=layout.version,
            title=first(layout.title),
            published=_date(tree, layout.published),
            modified=_date(tree, layout.modified),
            dateline=first(layout.dateline),
            section=first(layout.section),
            caption=first(layout.caption),
            description=first(layout.description),
        )
        if result.caption and drop_text(result.caption):  # a disclaimer is not a caption
            result.caption = None
        if layout.authors and (names := split_authors(_texts(tree, layout.authors))):
            result.authors = names
        if layout.tags and (tags := list(dict.fromkeys(_texts(tree, layout.tags)))):
            result.tags = tags
        lead = as_paragraphs(
            [p for node in (tree.css(layout.lead) if layout.lead else []) for p in page.paragraphs(node)]
        )
        quotes = (
            {p for node in tree.css(layout.pull_quotes) for p in paragraphs(node)}
            if layout.pull_quotes
            else set()
        )
        body = tree.css_first(layout.body)
        assert body is not None  # the layout was chosen for it
        if page.structured:
            keep_dropped_figures(body, layout.drop + DROP_SELECTORS, page.base)
        drop_inside(body, layout.drop + DROP_SELECTORS, result.removed)
        body_paras = page.paragraphs(body)
        paras = lead_once_first(lead, body_paras, result)
        result.paragraphs = drop_pull_quotes(self._filter(paras, layout, result), quotes, result)
        # The dateline opens the body proper, after any standfirst bullets.
        if result.dateline is None and (story := paras[len(lead) :]):
            result.dateline = dateline_of(story[0], tuple(map(re.compile, layout.dateline_text)))
        if self.hook:
            self.hook(page, result)
        result.is_article = word_count(" ".join(result.paragraphs)) >= layout.min_words
        return result

    @staticmethod
    def _filter(paras: list[str], layout: Layout, result: Cleaned) -> list[str]:
        stop = layout.compiled(layout.stop_text)
        extra_drop = layout.compiled(layout.drop_text)
        kept: list[str] = []
        for para in paras:
            if any(p.search(para) for p in stop):
                result.removed.append(("stop_text", para))
                break
            if drop_text(para, extra_drop):
                result.removed.append(("drop_text", para))
                continue
            if kept and para == kept[-1]:  # a repeated block (desktop + mobile copies)
                continue
            kept.append(para)
        pop_credits(kept, result, layout.compiled(layout.credit_text))
        return kept


def _folded(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split()).strip(" .,;:!?\"'“”")


_WORD = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in _WORD.findall(text))


def lead_once_first(lead: list[str], body: list[str], result: Cleaned) -> list[str]:
    """The standfirst (summary bullets, dek) once and first, then the body: a body paragraph that says
    a standfirst paragraph again word for word goes (pages that print the bullets inside the story
    too). A body paragraph that holds a bullet and says more is the story's own, and stays."""
    said = {words for para in lead if (words := _words(para))}
    kept = []
    for para in body:
        if _words(para) in said:
            result.removed.append(("standfirst repeated", para))
        else:
            kept.append(para)
    return lead + kept


def drop_pull_quotes(paras: list[str], quotes: set[str], result: Cleaned) -> list[str]:
    """A pull quote repeats a sentence of the text; a quotation found nowhere else in the text stays."""
    kept = []
    for para in paras:
        folded = _folded(para)
        if para in quotes and folded and any(folded in _folded(o) for o in paras if o != para):
            result.removed.append(("pull_quote", para))
        else:
            kept.append(para)
    return kept


def pop_credits(paras: list[str], result: Cleaned, extra: tuple[re.Pattern[str], ...] = ()) -> None:
    """Move trailing credit lines and sign-offs from the paragraphs to `result.credit`."""
    while paras and (credit := credit_of(paras[-1], extra)):
        result.removed.append(("credit", paras.pop()))
        result.credit = credit if result.credit is None else f"{credit}; {result.credit}"
    if paras and (split := trailing_credit(paras[-1])):
        text, credit = split
        paras[-1] = with_text(paras[-1], text)
        result.removed.append(("credit", credit))
        result.credit = credit if result.credit is None else f"{credit}; {result.credit}"
