"""Dates: any written date as ISO 8601, the dates a page states and shows, and which day an article
was published on. Sitemaps, feeds and `--since` use `normalise_date` too."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import chain

from htmldate import find_date
from selectolax.lexbor import LexborHTMLParser, LexborNode


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


def stated_date(tagged: str | None, tree: LexborHTMLParser) -> str | None:
    """The publication date the page states: the `tagged` one (meta tags, JSON-LD), else its first
    `<time datetime>`."""
    stated = normalise_date(tagged)
    if not stated:
        time_node = tree.css_first("time[datetime][pubdate], article time[datetime], time[datetime]")
        stated = normalise_date(time_node.attributes.get("datetime")) if time_node else None
    return stated


def published(
    stated: str | None,
    url: str | None,
    html: str,
    *,
    marked: str | None = None,
    shown: LexborNode | None = None,
) -> str | None:
    """The day an article was published on, decided here alone from every source, most trusted first:

    - `marked`: the date a site cleaner read from the markup it knows;
    - the date the page states (`stated`: meta tags, JSON-LD, `<time>`), moved to the day its URL
      names (/2020/02/24/) where they are a day or over a month apart (`_local_day`);
    - for an article the generic cleaner read (`shown`: the page as it kept it), that stated UTC time
      moved to the neighbouring day the page shows (`_shown_day`); without a stated date, the day its
      date line shows, else one read from its text and URL (htmldate: the slowest, so last)."""
    if marked:
        return marked
    day = _local_day(stated, url)
    if shown is None:
        return day
    if day:
        return _shown_day(day, url, shown)
    return _shown_date(shown) or _guess_date(html, url)


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


def _shown_day(published: str, url: str | None, root: LexborNode) -> str:
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


def _shown_date(root: LexborNode) -> str | None:
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


def _guess_date(html: str, url: str | None) -> str | None:
    """The publication day read from the text and the URL (htmldate): the least precise source and
    the slowest, for article pages whose markup and date line state no date."""
    # The URL is read last (deferred): a date in the page is more precise, and it is much faster.
    # No extensive search: its free-text parser (dateparser) loads and compiles every locale's
    # patterns on first use, seconds per process, for a few pages that `_shown_date` mostly covers.
    return find_date(html, url=url, original_date=True, extensive_search=False, deferred_url_extractor=True)
