"""Authors: from JSON-LD, from author meta tags that hold a name, else from the page's first byline.
Names come without "By", one per author, each once."""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import jsonld
from scraper.text import class_and_id, fold_whitespace

# Byline prefixes ("By", "Von", "Posted by", "Alle Artikel von") and link arrows around a name.
_BY = re.compile(
    r"^\s*((all (posts|articles)|posted|written|published|view all posts|show all articles|"
    r"(alle )?(artikel|beiträge)|zeige alle beiträge|veröffentlicht|geschrieben|erstellt|eingestellt|"
    r"alles|rezept)\s+(by|von|of)|by|von|vom|par|por|di|door|av|af|de|author|autor|auteur|text|interview)\b\W*|"
    r"\s*[→»›]\s*$",
    re.I,
)
# Byline markup, most specific first: the first selector that yields names wins.
_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]',
    '[rel="author"]',
    '[itemprop="author"]',
    "[class*=author-name], [class*=author__name], [class*=authorName], [class*=byline__name]",
    ".author, .byline, .autor, .auteur",
    "[class*=byline], [class*=Byline]",
    'a[href*="/author/"], a[href*="/autor/"], a[href*="/auteur/"]',
    "[class*=author], [class*=Author]",
)
_NOT_A_NAME = re.compile(r"\d|https?:|www\.|@|\.(?:com|net|org|de|at|ch|fr|it|es|uk)\b", re.I)
# Labels that author markup holds where there is no name (comment forms, empty templates).
_NO_NAME = frozenset({"name", "name erforderlich", "name (erforderlich)", "no author", "admin", "anonymous"})
# Names of a comment section's blocks (not of states such as "comments-open" on <body>).
_COMMENTS = re.compile(
    r"^((recent-?)?comments?|comment-?(list|area|section|respond|form|body|content)|comment(list|form)|respond|"
    r"widget_recent_comments)$",
    re.I,
)


def read_authors(
    tree: LexborHTMLParser, article: dict[str, Any], tagged: list[str], site_name: str | None
) -> list[str]:
    """JSON-LD first, as the publisher states it (an organisation too); the author meta tags (`tagged`)
    only when they hold a name (not a URL, a domain or the site's own name); then the byline markup."""
    authors = jsonld.names(article.get("author")) or jsonld.names(article.get("creator"))
    if not authors:
        authors = [a for a in tagged if _looks_like_name(a, site_name)]
    return split_authors(authors or _byline(tree, site_name))


def split_authors(names: list[str]) -> list[str]:
    """Clean byline strings into a de-duplicated list of names."""
    out: list[str] = []
    for raw in names:
        raw = _BY.sub("", fold_whitespace(raw))
        for name in re.split(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*|,\s+(?=\S+\s+\S+)", raw):
            name = name.strip(" ,.")
            if name and not name.startswith("http") and name.lower() not in {n.lower() for n in out}:
                out.append(name)
    return out


def _looks_like_name(text: str, site_name: str | None) -> bool:
    """A person's (or agency's) name, not a domain, a date line, a sentence, a label or the site itself."""
    words = text.split()
    if not 1 <= len(words) <= 7 or len(text) > 70 or _NOT_A_NAME.search(text):
        return False
    if text.casefold().strip(" *:") in _NO_NAME:
        return False
    return not site_name or text.casefold() != site_name.casefold()


def _byline(tree: LexborHTMLParser, site_name: str | None) -> list[str]:
    """Names from the first byline in the markup: the first matching node and its siblings (one per
    author), not the author lines of teasers further down the page."""
    for selector in _SELECTORS:
        nodes = tree.css(selector)
        start = next((i for i, node in enumerate(nodes) if not in_comments(node)), None)
        if start is None:
            continue
        nodes = nodes[start : start + 5]
        parent = nodes[0].parent
        siblings = [n for n in nodes if parent is None or (n.parent and n.parent.mem_id == parent.mem_id)]
        names = [_BY.sub("", fold_whitespace(node.text(deep=True, separator=" "))) for node in siblings]
        names = [name for name in names if _looks_like_name(name, site_name)]
        if names:
            return names
    return []


def in_comments(node: LexborNode) -> bool:
    """Whether a node sits in the comments or their form: the names there are readers', the text too."""
    parent = node.parent
    while parent is not None:
        if any(_COMMENTS.match(name) for name in class_and_id(parent).split()):
            return True
        parent = parent.parent
    return False
