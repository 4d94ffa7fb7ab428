"""Pruning for the generic cleaner: remove from the selectolax tree what is never article text, before
any slower step reads it. Every removal is recorded as (rule, text) for `scraper clean --explain`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from cleaners.base import CODE_AND_MEDIA_TAGS, drop_outermost
from scraper.evidence import SUBSTANTIAL_WORDS, dominant_block
from scraper.page import Page
from scraper.templates import block_hash, blocks
from scraper.text import class_and_id, fold_whitespace

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
        for tag in CODE_AND_MEDIA_TAGS & set(selectors)
        for node in root.css(tag)
        if node.mem_id != story
    ]
    drop_outermost(code, removed)
    # A block holding the headline or much of the page's text is the article, whatever its markup
    # says: some pages hide the story with CSS until a script shows it, wrap the whole page in a
    # <form>, or give the story's wrapper a newsletter box's class.
    # So is a block holding the page's dominant text block when that tells a story (its wrapper named
    # like an ad slot, say, while readers' comments outweigh it).
    text, paragraphs = len(root.text(deep=True)), _paragraph_chars(root)
    story = _story_line(page, root)
    chrome = [
        (node, f"selector {selector}")
        for selector in selectors
        if selector not in CODE_AND_MEDIA_TAGS
        for node in root.css(selector)
        if node.mem_id not in story and _not_main(node, text, paragraphs)
    ]
    drop_outermost(chrome, removed)
    named = [(node, name) for node in root.css("[class], [id]") if (name := _boilerplate_name(node))]
    named = [
        (node, f"boilerplate class/id {name}")
        for node, name in named
        if node.mem_id not in story and _not_main(node, text, paragraphs)
    ]
    drop_outermost(named, removed)
    _unname(story, root)
    teasers = [(n, "teaser card") for n in root.css(_TEASER_CARDS) if len(n.text()) < text * _MAIN_SHARE]
    teasers += [(node, "headline link list") for node in root.css("ul, ol") if _link_list(node)]
    drop_outermost(teasers, removed)
    if template:
        repeated = [(node, "site template") for node, text in blocks(root) if block_hash(text) in template]
        drop_outermost(repeated, removed)
    appended = [(node, "appended article") for node in _appended_articles(page, root)]
    drop_outermost(appended, removed)
    drop_outermost([(node, "story after the article") for node in _stories_after(page, root)], removed)
    return root


def _story_line(page: Page, root: LexborNode) -> set[int]:
    """The blocks that hold the story, with the blocks around them: the dominant text block
    (`scraper.evidence`) when it holds a story's worth of running text, and the block of the first
    sentence below the headline."""
    blocks = []
    found = dominant_block(root)
    if found is not None and found[1] >= SUBSTANTIAL_WORDS:
        blocks.append(found[0])
    if (first := _first_sentence_below_headline(page, root)) is not None and first.parent is not None:
        blocks.append(first.parent)
    return {node.mem_id for block in blocks for node in (block, *_ancestors(block))}


def _first_sentence_below_headline(page: Page, root: LexborNode) -> LexborNode | None:
    """The first paragraph of running text after the page's headline (its h1): where the story starts."""
    below = False
    for node in root.css("h1, p"):
        if node.tag == "h1":
            below = below or _holds_headline(node, page.meta.title)
        elif below and len(node.text(deep=True).split()) >= _FIRST_SENTENCE_WORDS:
            return node
    return None


def _unname(story: set[int], root: LexborNode) -> None:
    """Take the class and id off the blocks around the story whose names read like boilerplate: the
    story under a misleading name (an ad slot's, a newsletter box's) stays, and trafilatura, which
    drops blocks by their names too, must not take it after all."""
    if not story:
        return
    for node in root.css("[class], [id]"):
        if node.mem_id in story and _boilerplate_name(node):
            for attribute in ("class", "id"):
                if attribute in node.attributes:
                    del node.attrs[attribute]


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


def _words(node: LexborNode) -> int:
    return len(node.text(deep=True, separator=" ").split())


def _paragraph_chars(node: LexborNode) -> int:
    return sum(len(p.text(deep=True)) for p in node.css("p"))


def _link_list(node: LexborNode) -> bool:
    """A list whose every item is one link reading like a headline: related or most-read stories."""
    items = [child for child in node.iter() if child.tag == "li"]
    if len(items) < _LINK_LIST_ITEMS:
        return False
    for item in items:
        text = fold_whitespace(item.text(deep=True))
        linked = sum(len(fold_whitespace(a.text(deep=True))) for a in item.css("a[href]"))
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


# Infinite-scroll pages append the next stories below the article, each in a container of its own:
# an <article>, or a block carrying the story's own address (the URL the page switches to as it
# scrolls) or its own microdata item.
_STORY_CONTAINERS = (
    "article, [data-url], [data-article-url], [data-articleurl], [data-post-url], [data-permalink], "
    "[data-history-url], [data-canonical], [data-share-url], [data-href], [about], [itemid], "
    "[itemtype*=Article i], [itemtype*=BlogPosting i]"
)
_STORY_URL_ATTRIBUTES = (
    "data-url",
    "data-article-url",
    "data-articleurl",
    "data-post-url",
    "data-permalink",
    "data-history-url",
    "data-canonical",
    "data-share-url",
    "data-href",
    "about",
    "itemid",
)
_STORY_TITLE = "h1, h2, h3"
_OWN_STORY_SHARE = 0.25  # of the paragraph text: less, and the page's own story may be elsewhere
_TITLE_LEAD_CHARS = 200  # text a story's container may show above its title (a kicker, a date)
_STORY_PARAGRAPHS, _STORY_PARAGRAPH_CHARS = 2, 60  # the text of a story below its title
_FIRST_SENTENCE_WORDS = 12  # a paragraph below the headline this long is the story, not a byline or date
_STORY_BLOCK_WORDS, _STORY_BLOCK_PARAGRAPHS = 80, 0.5  # a story's own text block: words, paragraph share


def _appended_articles(page: Page, root: LexborNode) -> list[LexborNode]:
    """The other stories of the page: containers below the page's own story, each opening with its own
    title and carrying its own address, being an <article>, or titled by a second h1. The page's own
    story is the one holding the headline (or its address): it, its ancestors and its descendants stay.
    """
    own = _own_story(page, root)
    if own is None:
        return []
    keep = {a.mem_id for a in _ancestors(own)} | {own.mem_id}
    inside = {node.mem_id for node in own.css("*")}
    headline = own.css_first("h1") or own
    candidates = [*root.css(_STORY_CONTAINERS), *_h1_containers(root, own, headline)]
    # Where the page's own story shows little of the text (a headline above a story in other markup),
    # a block holding most of the text is that story, not another one.
    total = _paragraph_chars(root)
    guard = total * _MAIN_PARAGRAPHS if _paragraph_chars(own) < total * _OWN_STORY_SHARE else None
    found: dict[int, LexborNode] = {}
    for node in candidates:
        key = node.mem_id
        if key in keep or key in inside or key in found or node.tag in ("html", "body"):
            continue
        small = guard is None or _paragraph_chars(node) < guard
        if small and _follows(node, own) and _is_other_story(page, node):
            found[key] = node
    return list(found.values())


def _own_story(page: Page, root: LexborNode) -> LexborNode | None:
    """The page's own story: the <article> (or other story container) holding the headline, else the
    container carrying the page's own address, else (on a page that says it is an article) the
    headline's h1 itself."""
    if (found := main_article(page, root)) is not None:
        return found
    containers = root.css(_STORY_CONTAINERS)
    titled = [node for node in containers if _holds_headline(node, page.meta.title)]
    if titled:
        return min(titled, key=lambda node: len(node.html or ""))  # the innermost
    own = {_path(url) for url in (page.url, page.meta.canonical_url) if url}
    addressed = [
        node
        for node in containers
        if _story_url(node) and _path(_story_url(node)) in own and node.css_first(_STORY_TITLE) is not None
    ]
    if addressed:
        return addressed[0]
    if not page.meta.says_article:  # a section front's h1 names the section, not a story
        return None
    return next((h1 for h1 in root.css("h1") if _holds_headline(h1, page.meta.title)), None)


def _stories_after(page: Page, root: LexborNode) -> list[LexborNode]:
    """Stories appended below the article in markup that names nothing (no <article>, no address):
    the blocks after the page's own story (the smallest block holding both its headline and its text)
    that open with a title of their own above paragraphs of text. Comments, bios and related lists
    there go too, which costs nothing: none of them is the story."""
    headline = next((h1 for h1 in root.css("h1") if _holds_headline(h1, page.meta.title)), None)
    if headline is None or (found := _story_block(root)) is None:
        return []
    story = _common_ancestor(headline, found)
    # Only where that block surely is the story: it holds most of the page's paragraph text.
    told = _paragraph_chars(story)
    if told < _paragraph_chars(root) * _MAIN_PARAGRAPHS:
        return []
    out: list[LexborNode] = []
    node = story
    while node is not None and node.tag not in ("body", "html"):
        sibling = node.next
        while sibling is not None:
            if (
                sibling.is_element_node
                and _opens_story(sibling, headline)
                and _paragraph_chars(sibling) < told
            ):
                out.append(sibling)
            sibling = sibling.next
        node = node.parent
    return out


def _common_ancestor(one: LexborNode, other: LexborNode) -> LexborNode:
    line = {node.mem_id for node in [one, *_ancestors(one)]}
    node = other
    while node.mem_id not in line and node.parent is not None:
        node = node.parent
    return node


def _opens_story(node: LexborNode, headline: LexborNode) -> bool:
    """A block opening with a title (at most a kicker above it) other than the headline, above at least
    two paragraphs of text."""
    title = node.css_first(_STORY_TITLE)
    if title is None or fold_whitespace(title.text(deep=True)) == fold_whitespace(headline.text(deep=True)):
        return False
    above = (node.text(deep=True) or "").find((title.text(deep=True) or "").strip())
    paras = [p for p in node.css("p") if len(p.text(deep=True)) >= _STORY_PARAGRAPH_CHARS]
    return 0 <= above <= _TITLE_LEAD_CHARS and len(paras) >= _STORY_PARAGRAPHS


def _h1_containers(root: LexborNode, own: LexborNode, headline: LexborNode) -> list[LexborNode]:
    """For every h1 outside the page's own story, the block that holds it and not the headline: the
    child of their closest common ancestor on the way to that h1."""
    keep = {a.mem_id for a in _ancestors(headline)}
    containers = []
    for h1 in root.css("h1"):
        if h1.mem_id == headline.mem_id:
            continue
        node = h1
        while node.parent is not None and node.parent.mem_id not in keep:
            node = node.parent
        if node.parent is not None and node.mem_id != own.mem_id:
            containers.append(node)
    return containers


def _is_other_story(page: Page, node: LexborNode) -> bool:
    """A container opening with its own title (at most a kicker above it) that is an <article>, carries
    an address other than the page's, or is titled by an h1: another story, not part of this one."""
    title = node.css_first(_STORY_TITLE)
    if title is None or title.tag not in ("h1", "h2", "h3"):
        return False
    above = (node.text(deep=True) or "").find((title.text(deep=True) or "").strip())
    if above > _TITLE_LEAD_CHARS or above < 0:
        return False
    url = _story_url(node)
    own = {_path(u) for u in (page.url, page.meta.canonical_url) if u}
    elsewhere = url is not None and _path(url) not in own
    return node.tag == "article" or elsewhere or title.tag == "h1"


def _story_url(node: LexborNode) -> str | None:
    attributes = node.attributes
    return next((value for name in _STORY_URL_ATTRIBUTES if (value := attributes.get(name))), None)


def _path(url: str) -> str:
    """A URL's path without a trailing slash: what both forms of a story's address share."""
    return urlsplit(url.strip()).path.rstrip("/")


def _follows(node: LexborNode, own: LexborNode) -> bool:
    """Whether `node` comes after `own` in document order, outside it (appended stories do; a header
    does not): climb from `node` to the closest common ancestor, then walk the siblings after the
    branch that holds `own`."""
    own_line = [own, *_ancestors(own)]
    depth = {ancestor.mem_id: i for i, ancestor in enumerate(own_line)}
    branch, parent = node, node.parent
    while parent is not None and parent.mem_id not in depth:
        branch, parent = parent, parent.parent
    if parent is None or depth[parent.mem_id] == 0:
        return False
    sibling = own_line[depth[parent.mem_id] - 1].next
    while sibling is not None:
        if sibling.mem_id == branch.mem_id:
            return True
        sibling = sibling.next
    return False


def main_article(page: Page, root: LexborNode) -> LexborNode | None:
    """The `<article>` element holding the page's headline, else the page's only `<article>` (or, on
    a page without one, its only `<main>`) when it holds most of the page's paragraph text."""
    articles = root.css("article")
    found = next((a for a in articles if _holds_headline(a, page.meta.title)), None)
    if found is not None:
        return found
    sole = articles if len(articles) == 1 else [] if articles else root.css("main") or _story_unit(page, root)
    holds_most = len(sole) == 1 and _paragraph_chars(sole[0]) >= _paragraph_chars(root) * _MAIN_PARAGRAPHS > 0
    return sole[0] if holds_most else None


def _story_unit(page: Page, root: LexborNode) -> list[LexborNode]:
    """The smallest block holding both the headline and the page's dominant text block, on a page
    marked up with neither <article> nor <main>, where that block is a story told in paragraphs."""
    headline = next((h1 for h1 in root.css("h1") if _holds_headline(h1, page.meta.title)), None)
    if headline is None or (found := _story_block(root)) is None:
        return []
    unit = _common_ancestor(headline, found)
    # The block must be most of what the unit says: a story, not a box beside one told otherwise.
    if unit.tag in ("body", "html") or _words(found) < _words(unit) * _MAIN_SHARE:
        return []
    return [unit]


def _story_block(root: LexborNode) -> LexborNode | None:
    """The dominant text block (`scraper.evidence`) when it tells a story in paragraphs: it has a few
    sentences' worth of words, and paragraphs make most of its text (not a caption, not a page of
    <div>s and <br>s with a stray <p>)."""
    found = dominant_block(root)
    if found is None or found[1] < _STORY_BLOCK_WORDS:
        return None
    block = found[0]
    return block if _paragraph_chars(block) >= len(block.text(deep=True)) * _STORY_BLOCK_PARAGRAPHS else None


def _holds_headline(node: LexborNode, title: str | None) -> bool:
    """Whether the node's h1 is the page's title (give or take a site name or a kicker)."""
    heading = node.css_first("h1")
    if heading is None or not title:
        return False
    text, title = fold_whitespace(heading.text(deep=True)).casefold(), title.casefold()
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
