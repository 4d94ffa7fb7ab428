"""The headline of a page, from its title tags and its visible headings: without the site's name, and
without a kicker ("Kicker: Headline") where the page shows that it is one."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.text import fold_whitespace


def read_title(
    tree: LexborHTMLParser,
    headline: str | None,
    tagged: list[str | None],
    site_name: str | None,
    url: str | None,
) -> str | None:
    """The title from the JSON-LD `headline` and the `tagged` titles (og:title, twitter:title, <title>).
    An article's structured headline is the editors' own; without one, the visible h1 (or h2) is the
    title when the page's title tags contain it (they add the site name, a section or a kicker to it)."""
    # Some CMSs escape entities twice ("&amp;quot;"): what is left after parsing is still escaped.
    titles = [fold_whitespace(html.unescape(t)) for t in (headline, *tagged) if t]
    names = [name for name in (site_name, _domain_label(url)) if name]
    bare = titles
    for name in names:
        bare = [strip_site_suffix(title, name) for title in bare]
    title = bare[0] if headline else _visible_headline(tree, bare, names) or next(iter(bare), None)
    # Compared with the titles as they are: one without its site suffix may be a kicker's headline.
    return _without_kicker(title, titles) if title else None


def _visible_headline(tree: LexborHTMLParser, titles: list[str], names: list[str]) -> str | None:
    """The longest h1 (else h2: blogs put the site's name in the h1) that the title tags contain and
    that is not the site's own name; without the kicker, section or dek set in the heading."""
    folded = [t.casefold() for t in titles]
    own_names = {_alnum(name) for name in names}

    def usable(text: str) -> bool:  # long enough for a headline, and not the site's own name
        return len(text) >= 10 and _alnum(text) not in own_names

    h1s = tree.css("h1")
    h1_texts = [_headline_text(node) for node in h1s[:5]]
    for texts in (h1_texts, (_headline_text(node) for node in tree.css("h2")[:5])):
        found = [text for text in texts if usable(text) and any(text.casefold() in t for t in folded)]
        if found:
            return max(found, key=len)
    # A page's only h1 is its headline even where the title tags word it otherwise (SEO titles).
    return h1_texts[0] if len(h1s) == 1 and usable(h1_texts[0]) else None


# What sites set in a headline beside the headline itself: a kicker (overline, roofline, Dachzeile), a
# section label, a date, a dek, or separators hidden from sight.
_BESIDE_HEADLINE = re.compile(
    r"kicker|overline|roofline|dachzeile|topline|toptitle|supertitle|eyebrow|spitzmarke|sub-?heading|"
    r"subtitle|section|label|hidden|invisible|colon|date",
    re.I,
)
_NOT_HEADLINE_TAGS = frozenset(["small", "time", "style", "script", "button", "svg"])
# A separator left at either end of a heading where a kicker was set apart in the markup:
# "<span class=kicker>Nahost</span>: Ein bisschen Fortschritt".
_DANGLING = re.compile(r"^[:|/\-–—·•»]+\s+|\s+[:|/\-–—·•«]+$")
# "Kicker: Headline", "Kicker - Headline": the kicker is short.
_KICKER = re.compile(r"^(?P<kicker>.{2,60}?)\s*(?::|\s[-–—|/]\s)\s*(?P<title>.{10,})$")


def _headline_text(heading: LexborNode) -> str:
    """A heading's text without the kicker, label, date or dek some sites put inside it."""
    parts = []
    set_apart = False  # some of the heading's text is not the headline's
    for node in heading.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        while parent is not None and parent.mem_id != heading.mem_id:  # `!=` would compare their HTML
            classes = parent.attributes.get("class") or ""
            if parent.tag in _NOT_HEADLINE_TAGS or _BESIDE_HEADLINE.search(classes):
                set_apart = True
                break
            parent = parent.parent
        else:
            parts.append(node.text_content or "")
    text = fold_whitespace("".join(parts))
    # The separator after a kicker set apart is no part of the headline; a headline may open with a
    # dash of its own (a quotation, in Scandinavian papers).
    return (_DANGLING.sub("", text) if set_apart else text) or fold_whitespace(heading.text(deep=True))


def _without_kicker(title: str, others: list[str]) -> str:
    """'Kicker: Headline' -> 'Headline' when another of the page's titles (JSON-LD headline, og:title,
    twitter:title, <title>) says only the headline: the kicker is a label above the story."""
    match = _KICKER.match(title)
    if match:
        rest = match.group("title")
        if any(_alnum(other) == _alnum(rest) for other in others if other):
            return rest
    return title


# A site's name holds no separator, but may hold a hyphen within a word ("Battery-News.de").
_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[|\-–—·•»:]\s+(?P<name>(?:[^|\-–—·•»]|(?<=\w)-(?=\w)){1,40})$")
_PREFIX = re.compile(r"^(?P<name>(?:[^|\-–—·•»:]|(?<=\w)-(?=\w)){1,40}?)\s+[|\-–—·•»:]\s+(?P<title>.+)$")


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """'Headline | Site Name' (or 'Site Name » Headline') -> 'Headline' when that part is the site's
    name, compared on letters and digits only."""
    name = _alnum(site_name or "")
    for pattern in (_SUFFIX, _PREFIX):
        match = pattern.match(title)
        if match and name and (part := _alnum(match.group("name"))) and (name in part or part in name):
            return match.group("title").strip()
    return title


def _alnum(text: str) -> str:
    """Letters and digits only, folded: 'Lebensmittelpraxis.de' and 'lebensmittelpraxis' compare."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _domain_label(url: str | None) -> str | None:
    """The longest label of the host name ('lebensmittelpraxis' in www.lebensmittelpraxis.de): the
    name a site gives itself in title suffixes when it states no site name."""
    host = urlsplit(url).hostname if url else None
    return max(host.split("."), key=len) if host else None
