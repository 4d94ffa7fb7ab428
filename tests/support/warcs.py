"""Writing WARC files of HTML responses, as crawlers and Common Crawl write them (warcio)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.pages import article_page


def response(writer: WARCWriter, url: str, body: bytes, content_type: str, length: int | None = None) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers, length=length
    )
    writer.write_record(record)


def write_warc(path: Path, pages: Iterable[tuple[str, str]], *, compress: bool = True) -> list[int]:
    """A WARC of HTML responses (url, title); returns the offset of each record."""
    offsets = []
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        for url, title in pages:
            offsets.append(stream.tell())
            response(
                writer, url, article_page(title, lead=f"{title} begins").encode(), "text/html; charset=utf-8"
            )
    return offsets
