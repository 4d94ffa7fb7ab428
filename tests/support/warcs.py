"""WARC files in tests: writing HTML responses as crawlers and Common Crawl write them, and reading back
what a crawl archived (its records, and `warcio check` on them); warcio both ways."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.pages import article_page

WARCIO = Path(sys.executable).parent / "warcio"  # the command of this environment


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


def plain_warc(
    urls: Iterable[str], body: bytes, lengths: dict[int, int] | None = None
) -> tuple[bytes, list[int]]:
    """An uncompressed WARC in memory of one HTML response per URL (record n with the Content-Length
    `lengths[n]` if given, to make it wrong), and the offset of each record."""
    stream, offsets = io.BytesIO(), []
    writer = WARCWriter(stream, gzip=False)
    for n, url in enumerate(urls):
        offsets.append(stream.tell())
        response(writer, url, body, "text/html", length=(lengths or {}).get(n))
    return stream.getvalue(), offsets


@dataclass(frozen=True)
class Record:
    file: str
    type: str
    uri: str
    status: str | None  # of a response or revisit
    headers: dict[str, str]  # the WARC headers
    http: dict[str, str]  # the HTTP headers of a response or request
    payload: bytes  # as stored (still content-encoded)


def records(path: Path) -> list[Record]:
    """Every record of a WARC file; reading stops with an error at a record that is not whole."""
    found = []
    with open(path, "rb") as file:
        for record in ArchiveIterator(file):
            http = record.http_headers
            found.append(
                Record(
                    path.name,
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI") or "",
                    http.get_statuscode() if http is not None and record.rec_type != "request" else None,
                    dict(record.rec_headers.headers),
                    dict(http.headers) if http is not None else {},
                    record.raw_stream.read(),
                )
            )
    return found


def archive(folder: Path) -> list[Record]:
    """The records of every file of a crawl's WARC folder, in file order."""
    return [record for path in sorted(folder.glob("*.warc.gz*")) for record in records(path)]


def responses(folder: Path, status: str = "200") -> Counter[str]:
    """How often each URL's response with this status is archived."""
    return Counter(r.uri for r in archive(folder) if r.type == "response" and r.status == status)


def check(path: Path) -> subprocess.CompletedProcess[str]:
    """`warcio check -v` on one file: exit 0 when every record and its digests are valid."""
    return subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
