"""Authors: from JSON-LD, from author meta tags that hold a name, else from the page's first byline.
Names come without "By", one per author, each once."""

from __future__ import annotations

import html
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


# Between two authors: "Jane Doe; John Roe", "Jane Doe & John Roe", "Jane Doe und John Roe".
_BETWEEN = re.compile(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*")
# What follows a name after a comma without being another name: "John Smith, Jr.".
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})
# The writer's code in parentheses after the name: "Elena Oberholzer (obe)", "Jane Doe (jd/dpa)".
_CODE = re.compile(r"\s*\(\w{1,5}(?:\s*[/,]\s*\w{1,5})*\)$")
# Lowercase words that belong to a name: particles ("Ursula von der Leyen", "Mohammed bin Salman") and
# elided ones ("Carlo d'Angelo", "Bashar al-Assad").
_PARTICLES = frozenset(
    "al ben bin da das de del della der den di do dos du el ibn la le st ten ter van von zu".split()
)
_ELIDED = re.compile(r"^[a-z]{1,3}['’-]\w")
_TAG = re.compile(r"<[^<>]+>")
_INITIALS = 4  # letters of an editor's initials ("ku", "obe")
_NAME_WORDS = 4  # a longer part without two capitalised words in a row is no name


def split_authors(names: list[str]) -> list[str]:
    """Clean byline strings into a de-duplicated list of names."""
    out: list[str] = []
    for raw in names:
        # Some CMSs escape entities twice ("Redacci&oacute;n") or put markup in a JSON-LD name.
        raw = _BY.sub("", fold_whitespace(_TAG.sub(" ", html.unescape(raw))))
        for part in _BETWEEN.split(raw):
            for name in _comma_separated(part):
                name = _name_in(_CODE.sub("", _BY.sub("", name).strip(" ,.")))
                if name and name.lower() not in {n.lower() for n in out}:
                    out.append(name)
    return out


def _comma_separated(text: str) -> list[str]:
    """Names separated by commas: "Anna Trechsel, Sweidah", "Jane Doe, John Roe"; but "Doe, Jane" (two
    single words: a name written surname first) and "John Smith, Jr." are one name each."""
    merged: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        single = len(part.split()) == 1
        if merged and (part.lower().strip(".") in _SUFFIXES or (single and len(merged[-1].split()) == 1)):
            merged[-1] += f", {part}"
        elif part:
            merged.append(part)
    return merged


def _case(word: str) -> str:
    """How a word of a byline is written: "lower" (a word that is no part of a name), "name"
    (capitalised, or a particle of a name), "other" (punctuation, numbers: between names) or
    "neutral" (an abbreviation: "e.V.", "med.", "a.")."""
    if not any(c.isalpha() for c in word):
        return "other"
    if "." in word:
        return "neutral"
    if word[0].islower() and word.lower() not in _PARTICLES and not _ELIDED.match(word):
        return "lower"
    return "name"


def _name_in(text: str) -> str | None:
    """The name in a byline part. Names are capitalised (in scripts that have case), so lowercase
    words beside capitalised ones tell a phrase around a name: a job title or a place with the name
    ("Vilniaus universiteto profesorius Jonas Petraitis", "Jane Doe in Paris": its longest run of two
    or more capitalised words), or no name at all: an editor's initials before the place the story
    was filed from ("ku Frankfurt"), a job title (more words than a name). A short part stays as it
    is ("FOCUS online", "Guardian staff reporter", "revamp-it Webteam"), and so does one written all
    in lowercase. A link or a parenthesised remark ("(Image: Getty Images)") is no name."""
    words = text.split()
    if not words or text.startswith(("http", "(")):
        return None
    cases = [_case(word) for word in words]
    if "lower" not in cases or "name" not in cases:
        return text
    runs: list[list[int]] = [[]]
    for index, case in enumerate(cases):
        if case in ("lower", "other"):
            runs.append([])
        else:
            runs[-1].append(index)

    def capitalised(run: list[int]) -> int:
        return sum(cases[i] == "name" and words[i][0].isupper() for i in run)

    longest = max(runs, key=capitalised)
    if capitalised(longest) >= 2:
        return " ".join(words[i] for i in longest)
    initials = cases[0] == "lower" and words[0].isalpha() and len(words[0]) <= _INITIALS
    return None if initials or len(words) > _NAME_WORDS else text


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
