"""Drop caps: the first letter of a story set in an element of its own, to be drawn large.

Pages write it `<span class="dropcap">N</span>a endlich!`, which reads "Na endlich!"; but often with a
line break after the letter (`<span class="dropcap">N</span>\n  a endlich!`), or in a block of its own
before the paragraph (`<div class="initial">N</div><p>a endlich!</p>`), and every reader of the markup
then writes "N a endlich!" or loses the letter. Before the page is parsed, such a letter is moved to the
word it begins, in the markup itself, so that every cleaner reads the word whole.
"""

from __future__ import annotations

import re

_TAGS = "span|b|strong|em|i|big|font|div|p|dfn|mark|abbr"
# A lone letter closing an element: rare in a page, and found fast (about 0.4 ms a page), so the full
# pattern runs only where it may match. Possessive quantifiers: whitespace runs in real pages are
# long, and backtracking into them would cost seconds.
_LONE_LETTER = re.compile(rf">\s*+[^\W\d_]\s*+</(?:{_TAGS})\s*>")
# The drop cap from its opening tag: a capital alone in an element whose class or style says it is
# drawn large ("dropcap", "initial", "first-letter", "lettrine", "float: left"), then nothing but
# whitespace and a few tags up to a lowercase letter.
_DROP_CAP = re.compile(
    rf"(?P<open><(?P<tag>{_TAGS})\s[^<>]*?(?:drop|cap|initial|first|lettr|versal|float|font-size)[^<>]*>)"
    r"\s*+(?P<letter>[^\W\d_])\s*+"
    r"(?P<close></(?P=tag)\s*>)"
    r"(?P<gap>(?:\s*+<[^<>!]{0,200}>){0,8}+\s*+)"
    r"(?P<next>[^\W\d_])",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^<>]*>")
# Capitals that are words by themselves, which a space after them in the markup keeps apart: "A man",
# "I am", "O Lord", "E poi", "Y luego", "À Paris".
_ONE_LETTER_WORDS = frozenset("AIOEYUÀÉÓÒ")


def join_drop_caps(html: str) -> str:
    """The markup with each drop cap moved into the word it begins. A drop cap opens a block: only
    markup comes before its element, so "Vitamin <span class=big>C</span> and" stays as it is."""
    parts, done = [], 0
    for candidate in _LONE_LETTER.finditer(html):
        start = html.rfind("<", done, candidate.start())
        if start < 0 or not _after_markup(html, start):
            continue
        match = _DROP_CAP.match(html, start)
        if match is None or not (match["letter"].isupper() and match["next"].islower()):
            continue
        letter, gap = match["letter"], match["gap"]
        apart = letter in _ONE_LETTER_WORDS and _TAG.sub("", gap) != ""  # whitespace between them
        parts += [
            html[done:start],
            match["open"],
            match["close"],
            *_TAG.findall(gap),
            letter + " " * apart + match["next"],
        ]
        done = match.end()
    return "".join([*parts, html[done:]]) if parts else html


def _after_markup(html: str, position: int) -> bool:
    """Whether only whitespace lies between the tag before `position` and `position`."""
    before = position - 1
    while before >= 0 and html[before].isspace():
        before -= 1
    return before >= 0 and html[before] == ">"
