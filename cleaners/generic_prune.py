"""Pruning for the generic cleaner: remove from the selectolax tree what is never article text, before
any slower step reads it. Every removal is recorded as (rule, text) for `scraper clean --explain`."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from cleaners.base import Page
from scraper.templates import block_hash, blocks
from scraper.text import class_and_id, clean_text

# Code and media: removed first, and their text is not shown in an explanation.
_INVISIBLE = frozenset("script style noscript template svg iframe head".split())

# Words that name a boilerplate block in class or id values ("c-related-articles", "most_read",
# "newsletter-signup", "author-bio"), matched as whole parts between separators.
_BOILERPLATE_NAME = re.compile(
    r"(?:^|[\s_-])(?:related|recommend(?:ed|ations?)?|more-?(?:stories|articles|news)|read-?(?:more|also|next)|"
    r"most-?(?:read|popular|viewed|shared)|trending|popular|newsletters?|subscribe|subscription|signup|"
    r"promo|share|sharing|social|socials|follow-?us|author-?(?:bio|info|box)|bio|comments|disqus|"
    r"comment-?(?:list|form|section|area|respond)|cookies?|consent|gdpr|advert(?:isement)?|ads?|adslot|"
    r"ad-?container|sponsored|outbrain|taboola|breadcrumbs?|tags|tag-?list|pagination|"
    r"next-?(?:post|article|story)|prev(?:ious)?-?(?:post|article)|toolbar|skip-?link)(?:$|[\s_-])",
    re.I,
)
# Names that describe a state or a variant of a block ("has-ads", "no-share", "Section--ads") or the
# content itself ("entry-content-read-more"), not a boilerplate block.
_NOT_BOILERPLATE_NAME = re.compile(r"^(?:has|no|with|is|js)[-_]|--|content|body|text|entry", re.I)
# A link wrapping a heading or a paragraph is a teaser card (another story's headline and summary).
_TEASER_CARDS = "a[href]:has(h1, h2, h3, h4, h5, h6, p)"
_LINK_LIST_ITEMS, _LINKED_SHARE = 3, 0.9  # a list of at least 3 items, each (nearly) all link text
HEADLINE_CHARS = range(25, 200)  # the length of a link text that reads like a headline
# The article's own containers: a block holding one of them is never pruned as boilerplate.
_MAIN_MARKERS = "h1, [itemprop=articleBody]"
_MAIN_SHARE = 0.4  # a block holding this share of the page's text is the page, whatever its class
_MAIN_PARAGRAPHS = 0.5  # or this share of the text of its paragraphs
_HEADLINE_MIN_SHARE = 0.5  # an h1 is the headline when it is at least this share of the title


def prune(
    page: Page, selectors: tuple[str, ...], template: frozenset[str], removed: list[tuple[str, str]]
) -> LexborNode:
    """Prune the page in place and return the node to read the article from."""
    tree = page.tree
    root = tree.body or tree.root
    assert root is not None
    story = _noscript_story(root)
    code = [
        (node, f"selector {tag}")
        for tag in _INVISIBLE & set(selectors)
        for node in root.css(tag)
        if node.mem_id != story
    ]
    _drop_all(code, removed)
    # A block holding the headline or much of the page's text is the article, whatever its markup
    # says: some pages hide the story with CSS until a script shows it, wrap the whole page in a
    # <form>, or give the story's wrapper a newsletter box's class.
    text, paragraphs = len(root.text(deep=True)), _paragraph_chars(root)
    chrome = [
        (node, f"selector {selector}")
        for selector in selectors
        if selector not in _INVISIBLE
        for node in root.css(selector)
        if _not_main(node, text, paragraphs)
    ]
    _drop_all(chrome, removed)
    named = [(node, name) for node in root.css("[class], [id]") if (name := _boilerplate_name(node))]
    named = [
        (node, f"boilerplate class/id {name}") for node, name in named if _not_main(node, text, paragraphs)
    ]
    _drop_all(named, removed)
    teasers = [(n, "teaser card") for n in root.css(_TEASER_CARDS) if len(n.text()) < text * _MAIN_SHARE]
    teasers += [(node, "headline link list") for node in root.css("ul, ol") if _link_list(node)]
    _drop_all(teasers, removed)
    if template:
        repeated = [(node, "site template") for node, text in blocks(root) if block_hash(text) in template]
        _drop_all(repeated, removed)
    _drop_all([(node, "appended article") for node in _appended_articles(page, root)], removed)
    return root


def _not_main(node: LexborNode, text: int, paragraphs: int) -> bool:
    """Whether a block is not the article: it holds no headline, a small share of the page's `text`
    and less than half of the text of its `paragraphs` (both in characters)."""
    if node.css_first(_MAIN_MARKERS) is not None:
        return False
    size = len(node.text(deep=True))
    # With less text than half the paragraphs' text, a block cannot hold half of it: no need to count.
    half = paragraphs * _MAIN_PARAGRAPHS
    return size < text * _MAIN_SHARE and (size < half or _paragraph_chars(node) < half)


def _noscript_story(root: LexborNode) -> int | None:
    """The `<noscript>` (its mem_id) holding most of the page's paragraph text, if one does: a page whose
    script renders the story (from a template) shows it there to readers without scripts."""
    candidates = [node for node in root.css("noscript") if node.css_first("p") is not None]
    if not candidates:  # nearly every page: no need to count the page's paragraphs
        return None
    half = _paragraph_chars(root) * _MAIN_PARAGRAPHS
    return next((node.mem_id for node in candidates if _paragraph_chars(node) >= half > 0), None)


def _paragraph_chars(node: LexborNode) -> int:
    return sum(len(p.text(deep=True)) for p in node.css("p"))


def _link_list(node: LexborNode) -> bool:
    """A list whose every item is one link reading like a headline: related or most-read stories."""
    items = [child for child in node.iter() if child.tag == "li"]
    if len(items) < _LINK_LIST_ITEMS:
        return False
    for item in items:
        text = clean_text(item.text(deep=True))
        linked = sum(len(clean_text(a.text(deep=True))) for a in item.css("a[href]"))
        if len(text) not in HEADLINE_CHARS or linked < len(text) * _LINKED_SHARE:
            return False
    return True


def _boilerplate_name(node: LexborNode) -> str | None:
    names = class_and_id(node)
    if not _BOILERPLATE_NAME.search(names):  # most blocks: one search for all their names
        return None
    for value in names.split():
        if _BOILERPLATE_NAME.search(value) and not _NOT_BOILERPLATE_NAME.search(value):
            return value
    return None


def _appended_articles(page: Page, root: LexborNode) -> list[LexborNode]:
    """Infinite-scroll pages append the next stories below the article, each in an `<article>` of its
    own: keep the one holding the headline (with its ancestors and descendants), drop the others."""
    articles = root.css("article")
    if len(articles) < 2:
        return []
    main = main_article(page, root)
    if main is None:
        return []
    related = {a.mem_id for a in _ancestors(main)} | {a.mem_id for a in main.css("article")} | {main.mem_id}
    # Another story comes with its own headline; an untitled <article> is a part of this one.
    return [a for a in articles if a.mem_id not in related and a.css_first("h1, h2, h3") is not None]


def main_article(page: Page, root: LexborNode) -> LexborNode | None:
    """The `<article>` element holding the page's headline, else the page's only `<article>` (or, on
    a page without one, its only `<main>`) when it holds most of the page's paragraph text."""
    articles = root.css("article")
    found = next((a for a in articles if _holds_headline(a, page.meta.title)), None)
    if found is not None:
        return found
    sole = articles if len(articles) == 1 else [] if articles else root.css("main")
    holds_most = len(sole) == 1 and _paragraph_chars(sole[0]) >= _paragraph_chars(root) * _MAIN_PARAGRAPHS > 0
    return sole[0] if holds_most else None


def _holds_headline(node: LexborNode, title: str | None) -> bool:
    """Whether the node's h1 is the page's title (give or take a site name or a kicker)."""
    heading = node.css_first("h1")
    if heading is None or not title:
        return False
    text, title = clean_text(heading.text(deep=True)).casefold(), title.casefold()
    short, long = sorted((text, title), key=len)
    # A short h1 ("World") inside a longer title is a section label, not the headline.
    return len(short) >= _HEADLINE_MIN_SHARE * len(long) and short in long


def _ancestors(node: LexborNode) -> list[LexborNode]:
    out = []
    parent = node.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


def _drop_all(candidates: list[tuple[LexborNode, str]], removed: list[tuple[str, str]]) -> None:
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
        if node.tag not in _INVISIBLE and (text := clean_text(node.text(deep=True, separator=" "))):
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
