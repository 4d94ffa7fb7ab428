"""Page metadata from JSON-LD, OpenGraph, meta tags and microdata, read from the one parsed tree."""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import chain
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
from htmldate import find_date
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.text import class_and_id, clean_text

ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle BlogPosting LiveBlogPosting Report "
    "ScholarlyArticle SatiricalArticle TechArticle Review".split()
)
LISTING_TYPES = frozenset(["CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"])


@dataclass(slots=True)
class Metadata:
    """What the page says about itself; every field optional."""

    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    og_type: str | None = None
    ld_types: set[str] = field(default_factory=set)
    article_body: str | None = None  # JSON-LD articleBody, a hint for locating the text
    word_count: int | None = None  # JSON-LD wordCount: what a complete reading comes near

    @property
    def says_article(self) -> bool:
        return bool(self.ld_types & ARTICLE_TYPES) or self.og_type == "article"

    @property
    def says_listing(self) -> bool:
        return bool(self.ld_types & LISTING_TYPES) and not self.ld_types & ARTICLE_TYPES


# ---- JSON-LD -------------------------------------------------------------------------------------

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_LD_STRING_FIELD = re.compile(
    r'"(@type|headline|name|datePublished|dateModified|inLanguage|url)"\s*:\s*"([^"]*)"'
)


def _load_json_ld(raw: str) -> Any:
    """Parse one JSON-LD block, tolerating what real pages get wrong: comments and CDATA wrappers,
    raw control characters, trailing commas; as a last resort, salvage flat string fields."""
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw), strict=False)
    except json.JSONDecodeError:
        salvaged: dict[str, str] = {}
        for key, value in _LD_STRING_FIELD.findall(raw):
            salvaged.setdefault(key, value)
        return salvaged or None


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, flattening lists and @graph."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            if "@graph" in item:
                stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = " ".join(str(n) for n in name)
        if isinstance(name, str) and (name := clean_text(name)) and not name.startswith("http"):
            names.append(name)
    return names


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    return clean_text(value) or None if isinstance(value, str) else None


# ---- helpers ----------------------------------------------------------------------------------------


def normalise_date(value: str | None) -> str | None:
    """ISO 8601, keeping the page's UTC offset; None when the string is not a date."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = re.match(r"\d{4}-\d{2}-\d{2}", value)
            return match.group(0) if match else None
    if len(value) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


# Byline prefixes ("By", "Von", "Posted by", "Alle Artikel von") and link arrows around a name.
_BY = re.compile(
    r"^\s*((all (posts|articles)|posted|written|published|view all posts|show all articles|"
    r"(alle )?(artikel|beiträge)|zeige alle beiträge|veröffentlicht|geschrieben|erstellt|eingestellt|"
    r"alles|rezept)\s+(by|von|of)|by|von|vom|par|por|di|door|av|af|de|author|autor|auteur|text|interview)\b\W*|"
    r"\s*[→»›]\s*$",
    re.I,
)


def split_authors(names: list[str]) -> list[str]:
    """Clean byline strings into a de-duplicated list of names."""
    out: list[str] = []
    for raw in names:
        raw = _BY.sub("", clean_text(raw))
        for name in re.split(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*|,\s+(?=\S+\s+\S+)", raw):
            name = name.strip(" ,.")
            if name and not name.startswith("http") and name.lower() not in {n.lower() for n in out}:
                out.append(name)
    return out


# Byline markup, most specific first: the first selector that yields names wins.
_BYLINE = (
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
    for selector in _BYLINE:
        nodes = tree.css(selector)
        start = next((i for i, node in enumerate(nodes) if not in_comments(node)), None)
        if start is None:
            continue
        nodes = nodes[start : start + 5]
        parent = nodes[0].parent
        siblings = [n for n in nodes if parent is None or (n.parent and n.parent.mem_id == parent.mem_id)]
        names = [_BY.sub("", clean_text(node.text(deep=True, separator=" "))) for node in siblings]
        names = [name for name in names if _looks_like_name(name, site_name)]
        if names:
            return names
    return []


# Names of a comment section's blocks (not of states such as "comments-open" on <body>).
_COMMENTS = re.compile(
    r"^((recent-?)?comments?|comment-?(list|area|section|respond|form|body|content)|comment(list|form)|respond|"
    r"widget_recent_comments)$",
    re.I,
)


def in_comments(node: LexborNode) -> bool:
    """Whether a node sits in the comments or their form: the names there are readers', the text too."""
    parent = node.parent
    while parent is not None:
        if any(_COMMENTS.match(name) for name in class_and_id(parent).split()):
            return True
        parent = parent.parent
    return False


def _language(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


# ---- reading --------------------------------------------------------------------------------------


def read_metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    """Collect metadata, preferring the most precise source: JSON-LD, then OpenGraph/meta, then markup."""
    meta = Metadata()
    props: dict[str, list[str]] = {}
    for node in tree.css("meta[content]"):
        key = (
            (
                node.attributes.get("property")
                or node.attributes.get("name")
                or node.attributes.get("itemprop")
                or node.attributes.get("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        content = node.attributes.get("content")
        if key and content and content.strip():
            props.setdefault(key, []).append(content.strip())

    def first(*keys: str) -> str | None:
        for key in keys:
            if props.get(key):
                return clean_text(props[key][0])
        return None

    article: dict[str, Any] = {}
    publisher_names: list[str] = []
    for script in tree.css('script[type="application/ld+json"]'):
        for obj in _ld_objects(_load_json_ld(script.text(deep=True) or "")):
            types = _types(obj)
            meta.ld_types |= types
            if (types & ARTICLE_TYPES and not article) or (
                "WebPage" in types and not article and obj.get("headline")
            ):
                article = obj
            if types & {"Organization", "NewsMediaOrganization", "WebSite"}:
                publisher_names += _names(obj)

    canonical = tree.css_first('link[rel="canonical"]')
    canonical_href = canonical.attributes.get("href") if canonical else None
    base = url or canonical_href
    candidate = canonical_href or first("og:url") or _first_str(article.get("url"))
    if candidate and (base or candidate.startswith("http")):
        meta.canonical_url = urljoin(base or candidate, candidate.strip())

    meta.site_name = (
        first("og:site_name")
        or next(iter(_names(article.get("publisher"))), None)
        or next(iter(publisher_names), None)
        or first("application-name")
    )
    headline = article.get("headline") if isinstance(article.get("headline"), str) else None
    title_node = tree.css_first("title")
    # Some CMSs escape entities twice ("&amp;quot;"): what is left after parsing is still escaped.
    titles = [
        clean_text(html.unescape(t))
        for t in (headline, first("og:title"), first("twitter:title"), title_node and title_node.text())
        if t
    ]
    # An article's structured headline is the editors' own; without one, the visible h1 (or h2) is the
    # title when the page's title tags contain it (they add the site name, a section or a kicker to it).
    names = [name for name in (meta.site_name, _domain_label(meta.canonical_url or url)) if name]
    bare = titles
    for name in names:
        bare = [strip_site_suffix(title, name) for title in bare]
    title = bare[0] if headline else _visible_headline(tree, bare, names) or next(iter(bare), None)
    # Compared with the titles as they are: one without its site suffix may be a kicker's headline.
    meta.title = _without_kicker(title, titles) if title else None
    ld_description = article.get("description")
    meta.description = first("og:description", "description", "twitter:description") or (
        clean_text(ld_description) if isinstance(ld_description, str) else None
    )

    # JSON-LD first, as the publisher states it (an organisation too); meta tags only when they hold
    # a name (not a URL, a domain or the site's own name); then the byline markup.
    authors = _names(article.get("author")) or _names(article.get("creator"))
    if not authors:
        tags = props.get("author", []) + props.get("article:author", [])
        authors = [a for a in tags if _looks_like_name(a, meta.site_name)]
    meta.authors = split_authors(authors or _byline(tree, meta.site_name))

    # article:published_time before JSON-LD: where they disagree, SEO plugins' JSON-LD more often
    # carries another date (first draft, first version) than the one the page shows.
    meta.published = normalise_date(
        first("article:published_time")
        or _first_str(article.get("datePublished"))
        or first(
            "og:published_time",
            "datepublished",
            "publishdate",
            "pubdate",
            "parsely-pub-date",
            "sailthru.date",
            "dc.date.issued",
            "dc.date",
            "date",
            "dcterms.created",
        )
    )
    if not meta.published:
        time_node = tree.css_first("time[datetime][pubdate], article time[datetime], time[datetime]")
        meta.published = normalise_date(time_node.attributes.get("datetime")) if time_node else None
    meta.published = _local_day(meta.published, url)
    meta.modified = normalise_date(
        _first_str(article.get("dateModified"))
        or first(
            "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified"
        )
    )

    html_node = tree.css_first("html")
    meta.language = (
        _language(html_node.attributes.get("lang") if html_node else None)
        or _language(first("og:locale", "content-language", "language"))
        or _language(_first_str(article.get("inLanguage")))
    )

    section = article.get("articleSection")
    meta.section = first("article:section") or _first_str(section)
    keywords = article.get("keywords")
    tags = props.get("article:tag", []) or (
        keywords if isinstance(keywords, list) else (keywords or first("news_keywords") or "").split(",")
    )
    meta.tags = list(dict.fromkeys(t for t in (clean_text(str(t)) for t in tags) if t))

    image = first("og:image", "og:image:url", "twitter:image") or _first_str(article.get("image"))
    meta.image = urljoin(base, image) if image and base else image
    meta.og_type = (first("og:type") or "").lower() or None
    body = article.get("articleBody")
    meta.article_body = body if isinstance(body, str) and body.strip() else None
    count = article.get("wordCount")
    meta.word_count = int(count) if isinstance(count, int | str) and str(count).strip().isdigit() else None
    return meta


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
# "Kicker: Headline", "Kicker - Headline": the kicker is short.
_KICKER = re.compile(r"^(?P<kicker>.{2,60}?)\s*(?::|\s[-–—|/]\s)\s*(?P<title>.{10,})$")


def _headline_text(heading: LexborNode) -> str:
    """A heading's text without the kicker, label, date or dek some sites put inside it."""
    parts = []
    for node in heading.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        while parent is not None and parent.mem_id != heading.mem_id:  # `!=` would compare their HTML
            classes = parent.attributes.get("class") or ""
            if parent.tag in _NOT_HEADLINE_TAGS or _BESIDE_HEADLINE.search(classes):
                break
            parent = parent.parent
        else:
            parts.append(node.text_content or "")
    return clean_text("".join(parts)) or clean_text(heading.text(deep=True))


def _without_kicker(title: str, others: list[str]) -> str:
    """'Kicker: Headline' -> 'Headline' when another of the page's titles (JSON-LD headline, og:title,
    twitter:title, <title>) says only the headline: the kicker is a label above the story."""
    match = _KICKER.match(title)
    if match:
        rest = match.group("title")
        if any(_alnum(other) == _alnum(rest) for other in others if other):
            return rest
    return title


_URL_DAY = re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})/")
# Beyond this many days apart, the markup's date belongs to something else than the story the URL was
# made for (a template's date, a re-publication years later): the URL's day is the one it was filed on.
_URL_DAY_TRUSTED = 31
# Where pages show their date; only short texts are read (a wrapper with "data" in its class may hold
# the whole page).
_DATE_NODES = (
    "time, [class*=date], [class*=Date], [class*=datum], [class*=fecha], [class*=data], [class*=meta], "
    "[class*=byline], [class*=posted], [class*=publish]"
)
_DATE_NODE_CHARS = 200
_DATE_LINE_CHARS = 100  # a text that long may be a date line; longer ones mention dates
_DATELINE_CHARS = 20
_UTC_MORNING, _UTC_EVENING = 8, 15
# Month names by their first letters, in the languages the scraper meets most (juin/juillet need four).
_MONTHS = tuple(
    tuple(names.split())
    for names in (
        "jan ene gen",
        "feb fév fev",
        "mar mär maa",
        "apr abr avr",
        "may mai mag mei",
        "jun giu juin",
        "jul lug juil",
        "aug ago aoû",
        "sep set",
        "oct okt ott out",
        "nov",
        "dec dez dic déc",
    )
)


def _local_day(published: str | None, url: str | None) -> str | None:
    """The day in the URL (/2020/02/24/) is the publisher's own: it corrects a timestamp converted to
    UTC, which moves late-evening stories to the next day, or a date that belongs to something else."""
    url_day = _url_day(url)
    if not published or len(published) < 10 or url_day is None:
        return published
    try:
        apart = abs((date.fromisoformat(published[:10]) - url_day).days)
    except ValueError:
        return published
    return url_day.isoformat() if apart == 1 or apart > _URL_DAY_TRUSTED else published


def _url_day(url: str | None) -> date | None:
    match = _URL_DAY.search(url or "")
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def shown_day(published: str, url: str | None, root: LexborNode) -> str:
    """The day the article shows when its timestamp is UTC (or states no offset) and it shows only
    the neighbouring day that UTC time falls on in the publisher's time zone: UTC moves late-evening
    stories to the next day, and early-morning ones in the Americas to the previous one."""
    if _url_day(url) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:[\d.]+)?(\+00:00)?", published):
        return published
    # East of UTC the local day can be the next one only in the UTC evening (from 15:00 at UTC+9),
    # west of it the previous one only in the UTC morning (until 08:00 at UTC-8).
    hour = int(published[11:13])
    if _UTC_MORNING <= hour < _UTC_EVENING:
        return published
    try:
        stated = date.fromisoformat(published[:10])
    except ValueError:
        return published
    local = stated + timedelta(days=1 if hour >= _UTC_EVENING else -1)
    shown = " ".join(text for node in root.css(_DATE_NODES) if (text := _own_date_text(node)))
    # A page showing both days shows other dates too (an update, other stories): no evidence.
    days = _dates_in(shown)
    return local.isoformat() if local in days and stated not in days else published


def _own_date_text(node: LexborNode) -> str:
    """The text of a date node, unless it is long (a wrapper) or inside a link (another story's)."""
    text = node.text(deep=True)
    return "" if len(text) >= _DATE_NODE_CHARS or _in_link(node) else text


def _in_link(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


_NUMERIC_DATE = re.compile(
    r"(?<!\d)(\d{4})-(\d\d)-(\d\d)(?!\d)|(?<!\d)(\d{1,2})([./])\s?(\d{1,2})\5\s?(\d{4})(?!\d)"
)
_WORDED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,})\.?,?\s+(?:de\s+)?(\d{4})(?!\d)|"
    r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)"
)


def _dates_in(text: str) -> list[date]:
    """The days the text writes: 24.02.2020, 24/2/2020, 2020-02-24, 24. Februar 2020, 24 de febrero de
    2020, February 24, 2020. A slashed date whose order is ambiguous (03/05/2020) gives both days."""
    found: list[tuple[int, int, int]] = []
    for iso_y, iso_m, iso_d, first, sep, second, year in _NUMERIC_DATE.findall(text):
        if iso_y:
            found.append((int(iso_y), int(iso_m), int(iso_d)))
            continue
        found.append((int(year), int(second), int(first)))
        if sep == "/":  # month first in the US
            found.append((int(year), int(first), int(second)))
    for day, name, year, name2, day2, year2 in _WORDED_DATE.findall(text):
        folded = (name or name2).casefold()
        month = next((i for i, names in enumerate(_MONTHS, 1) if folded.startswith(names)), None)
        if month:
            found.append((int(year or year2), month, int(day or day2)))
    days = []
    for y, m, d in found:
        with contextlib.suppress(ValueError):
            days.append(date(y, m, d))
    return days


_TIME = re.compile(r"(?<!\d)\d{1,2}[:.h]\d\d(?::\d\d)?(?!\d)")
# Words a date line has beside the date: what it dates, prepositions, time zones, week days.
_DATE_LINE_WORDS = frozenset(
    "published updated posted modified last on at am pm um uhr stand veröffentlicht aktualisiert zuletzt "
    "publicado actualizado el a las de publié le mis à jour pubblicato aggiornato il alle ore publicerad "
    "uppdaterad kl den jst gmt utc cet cest est edt pst bst ist sast "
    "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag "
    "samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves "
    "viernes sábado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica".split()
)


def is_date_line(text: str) -> bool:
    """A short line that only dates the article ('Stand: 22.04.2024, 06:00 Uhr', '30. Januar 2024',
    '17:41 JST, October 13, 2024'): page furniture, not article text."""
    if len(text) > _DATE_LINE_CHARS or not _dates_in(text):
        return False
    rest = _TIME.sub(" ", _WORDED_DATE.sub(" ", _NUMERIC_DATE.sub(" ", text)))
    return all(word.casefold() in _DATE_LINE_WORDS for word in re.findall(r"[^\W\d_]+", rest))


def shown_date(root: LexborNode) -> str | None:
    """The day of the article's date line: the first of its date elements that writes a day, else
    its first short text that does, when that writes only one. Much faster than htmldate."""
    own = ((node.text(deep=True), node) for node in root.css(_DATE_NODES))
    leaves = (node for node in root.traverse(include_text=True) if node.tag == "-text")
    # A long text is read for a dateline at its start ("01.02.2022 – The council...") only.
    starts = (_line_start(node.text_content or "", node) for node in leaves)
    for text, node in chain(own, starts):
        # A long element is a wrapper; a date in a link is another story's.
        if len(text) < _DATE_NODE_CHARS and (days := set(_dates_in(text))) and not _in_link(node):
            return days.pop().isoformat() if len(days) == 1 else None
    return None


def _line_start(text: str, node: LexborNode) -> tuple[str, LexborNode]:
    return (text if len(text) < _DATE_LINE_CHARS else text[:_DATELINE_CHARS]), node


def guess_date(html: str, url: str | None) -> str | None:
    """The publication day read from the text and the URL (htmldate): the least precise source and
    the slowest, for article pages whose markup and date line state no date."""
    # The URL is read last (deferred): a date in the page is more precise, and it is much faster.
    # No extensive search: its free-text parser (dateparser) loads and compiles every locale's
    # patterns on first use, seconds per process, for a few pages that `shown_date` mostly covers.
    return find_date(html, url=url, original_date=True, extensive_search=False, deferred_url_extractor=True)


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
