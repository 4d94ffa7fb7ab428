"""Reading what a crawl archived: the records of its WARC files, and `warcio check` on them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

WARCIO = Path(sys.executable).parent / "warcio"  # the command of this environment


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
