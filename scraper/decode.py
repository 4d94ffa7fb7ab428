"""Bytes to text, the way a browser would, with the fixes real pages need."""

from __future__ import annotations

import codecs
import re
from itertools import accumulate, repeat
from operator import itemgetter

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, read_bom

from scraper.errors import ExtractError

_SNIFF_BYTES = 256 * 1024  # enough text for detection, bounded cost on huge pages
MAX_DEPTH = 200  # real pages nest a few dozen levels; lxml (under trafilatura) gives up past 255
_TAG = re.compile(r"<(/?[a-zA-Z][^\s/>]*+)[^>]*+>")  # the group: the tag name, after the "/" of an end tag
# Tags that do not nest: void elements and those whose end tag may be left out (they would count as open).
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot colgroup caption option optgroup rb rt rp html head body".split()
)
# Depth change of a lowercased `_TAG` group: 0 for these, else +1 for a start tag and -1 for an end tag.
_FLAT = dict.fromkeys([*_NOT_NESTING, *(f"/{name}" for name in _NOT_NESTING)], 0)
_END_STEP = {"/": -1}
_first = itemgetter(0)


# Languages written in windows-1252 (and ISO-8859-1/15) when not in UTF-8: as charset_normalizer names
# them, and as `<html lang>` does.
_WESTERN = frozenset(
    "English Danish Dutch Finnish French German Indonesian Italian Norwegian Portuguese Spanish "
    "Swedish".split()
)
_WESTERN_TAGS = frozenset("af ca da de en es eu fi fo fr ga gl id is it ms nb nl nn no pt sq sv".split())
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.I)
# Single-byte code pages for Latin scripts that charset_normalizer may rank above windows-1252. Their
# letters sit where windows-1252 has others (é, è, ï, û, ñ: č, ď, ű, ń in windows-1250), and on short
# pages its ranking is nearly a tie, so a French or Spanish page came out as Central European.
_OTHER_LATIN = frozenset(
    "cp1250 cp1257 cp775 cp850 cp852 mac_latin2 mac_roman mac_iceland hp_roman8 latin_1 iso8859_2 "
    "iso8859_3 iso8859_4 iso8859_10 iso8859_13 iso8859_14 iso8859_15 iso8859_16".split()
)


def _is_western(sample: bytes, detected_language: str) -> bool:
    """The page's language is one written in windows-1252: by its `<html lang>` if it has one (the
    detector's guess from letter frequencies took Hungarian for Norwegian), else by the guess."""
    declared = _LANG.search(sample[:4096])
    if declared:
        return declared[1].decode().lower() in _WESTERN_TAGS
    return detected_language in _WESTERN


def _detect(data: bytes) -> str | None:
    """The encoding of bytes that declare none. Between single-byte Latin code pages, the language of
    the text decides: a Western European one means windows-1252 (the web's legacy default, which
    browsers assume too), if the bytes decode in it; Czech, Polish or Lithuanian keep the detected page."""
    sample = data[:_SNIFF_BYTES]
    best = from_bytes(sample).best()
    if best is None:
        return None
    if best.encoding in _OTHER_LATIN and _is_western(sample, best.language):
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:  # bytes that windows-1252 leaves undefined
            return best.encoding
        return "cp1252"
    return best.encoding


def decode(data: bytes | str, content_type: str | None = None) -> str:
    """The text of an HTML document, ready to parse."""
    return limit_nesting(_decode(data, content_type))


def limit_nesting(html: str) -> str:
    """Drop the tags nested deeper than `MAX_DEPTH`, keeping their text, as browsers do (Chromium stops
    nesting at 512): lexbor's tree building is quadratic in depth (100,000 nested divs take 20 s) and
    lxml reads nothing from a page nested deeper than 255 levels."""
    if _max_depth(html) <= MAX_DEPTH:  # nearly every page: nothing to drop, skip the rewrite
        return html
    depth = 0

    def keep(tag: re.Match[str]) -> str:
        nonlocal depth
        name = tag[1].lower()
        if name in _FLAT:
            return tag[0]
        if name[0] == "/":  # an end tag: kept when its start tag was
            depth -= 1
            return tag[0] if depth < MAX_DEPTH else ""
        depth += 1
        return tag[0] if depth <= MAX_DEPTH else ""

    return _TAG.sub(keep, html)


def _max_depth(html: str) -> int:
    """The deepest the walk in `limit_nesting` goes, counted without a Python call per tag: half the cost
    of the walk (whose callback ran ~1,500 times on a typical page), and the walk runs only when needed."""
    names = list(map(str.lower, _TAG.findall(html)))
    steps = map(_FLAT.get, names, map(_END_STEP.get, map(_first, names), repeat(1)))
    return max(accumulate(steps), default=0)


def _decode(data: bytes | str, content_type: str | None) -> str:
    """Decode an HTML document: BOM, then strict UTF-8, then the HTTP header and `<meta>` charset, then
    detection. Strict UTF-8 goes before the declared charset because many pages declare a legacy
    charset that their (UTF-8) bytes do not follow; real legacy text almost never passes as UTF-8."""
    if isinstance(data, str):
        return data
    if not data.strip():
        raise ExtractError("empty document")
    has_bom = read_bom(data)[0] is not None
    if b"\x00" in data[:4096] and not has_bom:  # UTF-16 text has NULs, and a BOM
        raise ExtractError("binary data, not HTML")
    if not has_bom:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    encoding, text = html_to_unicode(content_type, data, default_encoding="cp1252", auto_detect_fun=_detect)
    if not has_bom and codecs.lookup(encoding).name == "utf-8" and _mostly_invalid(text):
        # Declared UTF-8, yet most non-ASCII bytes are not UTF-8: the declaration is wrong (a legacy
        # page behind a server default). A few bad bytes in real UTF-8 keep the declaration.
        detected = _detect(data)
        if detected:
            return data.decode(detected, "replace")
    return text


def _mostly_invalid(text: str) -> bool:
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return text.count("\ufffd") * 2 > non_ascii
