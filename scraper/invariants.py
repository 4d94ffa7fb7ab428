"""What every article body must satisfy before it is emitted, whichever cleaner produced it.

A body holds no stylesheet or script source and does not open with skip links or a menu; an article's
body is not far shorter than what the page itself promises (`scraper.evidence`); a page the evidence
calls an article is not left without a body. `problem` names the first check a body fails; the
pipeline then asks for an independent reading of the page and keeps the better one (`better`), or
scrubs what it can (`scrub`). The checks are cheap: the independent reading runs only when one fails.
"""

from __future__ import annotations

import re

from scraper.article import word_count
from scraper.evidence import Evidence

# Stylesheet rules ("a.nav:hover{color:#333;}") and script ("function(", "var x =", "window.foo").
_CSS_RULE = re.compile(r"[\w\-.#:>*\[\]=\"'~+, ]{1,150}\{[^{}]{0,600}?[\w-]+\s*:[^{}]{0,600}?\}")
_SCRIPT = re.compile(
    r"\bfunction\s*[\w$]*\s*\([^)]{0,80}\)\s*\{|\b(?:var|let|const)\s+[\w$]+\s*=|\b(?:window|document)\.[\w$]+"
    r"|=>\s*[{(]|\}\s*\)\s*\(|\bgoogletag\.|\bdataLayer\b"
)
_SYNTAX = re.compile(r"[{};=()<>\[\]]")
_CODE_DENSITY = 0.04  # share of syntax characters above which a matching paragraph reads as code
_CODE_MIN_CHARS = 40

# The first lines of a page that its cleaner read from the top: skip links, then a menu.
_SKIP_LINK = re.compile(
    r"^(skip (to|navigation)|jump to (main )?(content|navigation)|zum inhalt( springen)?|"
    r"direkt zum inhalt|aller au contenu|passer au contenu|saltar al contenido|ir al contenido|"
    r"vai al contenuto|salta al contenuto|naar (de )?inhoud)\b",
    re.I,
)
_MENU_ITEM_WORDS, _MENU_ITEM_CHARS = 3, 30  # a menu item: a few words (CJK: characters), no sentence
_MENU_ITEMS = 4  # a run of this many items opening the body is a menu
_PUNCTUATION = re.compile(r"[.,;!?:…\"”»()。、！？」』]")
_WORDS = re.compile(r"\w")

# A body with less than this share of the promised words misses most of the story.
SHORT_SHARE = 0.5
_PROSE_WORDS = 8  # a paragraph of fewer words is a label, a menu item or a caption, not running text


def leaked_code(paragraph: str, evidence: Evidence) -> bool:
    """Whether a paragraph is stylesheet or script source rather than text. Code the page shows as
    code (in <pre> or <code>: a programming article's examples) is text."""
    if len(paragraph) < _CODE_MIN_CHARS or ("{" not in paragraph and "(" not in paragraph):
        return False
    if len(_SYNTAX.findall(paragraph)) < len(paragraph) * _CODE_DENSITY:
        return False
    if not (_CSS_RULE.search(paragraph) or _SCRIPT.search(paragraph)):
        return False
    start = " ".join(paragraph.split())[:_CODE_MIN_CHARS]
    return not any(start in shown for shown in evidence.shown_code)


def chrome_opening(paragraphs: list[str]) -> int:
    """How many paragraphs at the start of the body are skip links, a menu (a run of short items with
    no punctuation) or table rules without words (0 for most bodies)."""
    count = 0
    while count < len(paragraphs) and (
        _SKIP_LINK.match(paragraphs[count]) or not _WORDS.search(paragraphs[count])
    ):
        count += 1
    run = 0
    for para in paragraphs[count:]:
        if not _menu_item(para):
            break
        run += 1
    return count + run if run >= _MENU_ITEMS else count


def _menu_item(para: str) -> bool:
    return (
        len(para) <= _MENU_ITEM_CHARS
        and word_count(para) <= _MENU_ITEM_WORDS
        and not _PUNCTUATION.search(para)
    )


def prose_words(paragraphs: list[str], evidence: Evidence) -> int:
    """Words in running text: paragraphs long enough to be sentences, code left out."""
    return sum(
        words
        for para in paragraphs
        if (words := word_count(para)) >= _PROSE_WORDS and not leaked_code(para, evidence)
    )


def _unclean(paragraphs: list[str], evidence: Evidence) -> str | None:
    if any(leaked_code(para, evidence) for para in paragraphs):
        return "stylesheet or script source in the body"
    if chrome_opening(paragraphs):
        return "the body opens with skip links or a menu"
    return None


def problem(paragraphs: list[str], is_article: bool, evidence: Evidence) -> str | None:
    """The first check the body fails, in words for `--explain`; None when it passes them all."""
    if failure := _unclean(paragraphs, evidence):
        return failure
    if not is_article:
        strong = evidence.says_article or evidence.has_story_block
        return "no article, where the page says it has one" if strong else None
    words = word_count(" ".join(paragraphs))
    if words < evidence.promised_words * SHORT_SHARE:
        return f"{words} words, where the page promises {evidence.promised_words}"
    return None


def better(reading: list[str], reading_is_article: bool, current: list[str], evidence: Evidence) -> bool:
    """Whether an independent `reading` of the page beats the `current` body that failed a check. The
    reading must be an article and pass the checks itself. It wins when it holds half again as much
    running text, or nearly as much where the current body also held code or a menu, but not when it
    is far longer than the page promises (it has taken in comments or lists)."""
    if not reading_is_article or _unclean(reading, evidence):
        return False
    kept = scrub(current, evidence)
    ours, theirs = prose_words(kept, evidence), prose_words(reading, evidence)
    if 0 < evidence.promised_words * 3 < theirs:
        return False
    return theirs >= ours * 1.5 or (len(kept) < len(current) and theirs >= ours * 0.8)


def scrub(paragraphs: list[str], evidence: Evidence) -> list[str]:
    """The body without stylesheet or script paragraphs and without an opening menu."""
    return [para for para in paragraphs[chrome_opening(paragraphs) :] if not leaked_code(para, evidence)]
