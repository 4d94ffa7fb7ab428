"""Bytes to text, the way a browser would, with the fixes real pages need."""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, read_bom

from scraper.errors import ExtractError

_SNIFF_BYTES = 256 * 1024  # enough text for detection, bounded cost on huge pages


def _detect(data: bytes) -> str | None:
    best = from_bytes(data[:_SNIFF_BYTES]).best()
    return best.encoding if best else None


def decode(data: bytes | str, content_type: str | None = None) -> str:
    """Decode an HTML document: BOM, then strict UTF-8, then the HTTP header and `<meta>` charset, then
    detection. Strict UTF-8 goes before the declared charset because many pages declare a legacy
    charset that their (UTF-8) bytes do not follow; real legacy text almost never passes as UTF-8."""
    if isinstance(data, str):
        return data
    if not data.strip():
        raise ExtractError("empty document")
    if b"\x00" in data[:4096] and read_bom(data)[0] is None:
        raise ExtractError("binary data, not HTML")
    if read_bom(data)[0] is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return html_to_unicode(content_type, data, default_encoding="cp1252", auto_detect_fun=_detect)[1]
