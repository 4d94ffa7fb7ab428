"""Reading WARC files in-process (`scraper.sources.read_pages`): a big file read in spans (a task's share
each, `scraper clean -o FOLDER/ --split-mb`), the site filter and its counts, files on a server, and the
reason given for each kind of damage. The CLI tests (test_shards, test_remote, test_dumps) run the same
code in a subprocess, where mutation testing (`make mutation`) cannot see which test covers what."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.remote import Retry
from scraper.site_filter import SiteFilter
from scraper.sources import Counts, RawPage, Reading, Span, Unreadable, read_pages
from tests.support.pages import article_page
from tests.support.warc_server import FileServer
from tests.support.warcs import plain_warc, response, write_warc

STORIES = [(f"https://example.com/{n}", f"Story {n}") for n in range(8)]
PAGE = article_page("Harbour plan").encode()
URLS = [url for url, _ in STORIES]


def items(*paths: Path | str, **kwargs: object) -> list[RawPage | Unreadable]:
    return list(read_pages([str(p) for p in paths], **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "shift", [0, 1, -1, 57], ids=["on a record", "a byte after", "a byte before", "inside"]
)
def test_spans_give_every_record_once_wherever_they_are_cut(tmp_path: Path, shift: int) -> None:
    """Each record is read by the one span its first byte falls in, whether the cuts land on record
    starts or not; the spans together give the file's records, each once."""
    warc = tmp_path / "big.warc.gz"
    offsets = write_warc(warc, STORIES)
    size = warc.stat().st_size
    cuts = sorted({0, size, *(offset + shift for offset in offsets[1:])})

    read: list[RawPage | Unreadable] = []
    for start, end in itertools.pairwise(cuts):
        counts = Counts()
        found = items(warc, reading=Reading(counts=counts, span=Span(start, end)))
        mine = [offset for offset in offsets if start <= offset < end]
        assert [item.source for item in found] == [f"{warc}@{offset}" for offset in mine]
        assert counts == Counts(records=len(mine), kept=len(mine))
        read += found

    assert [item.url for item in read] == URLS  # type: ignore[union-attr]


def test_the_site_filter_keeps_its_sites_pages_and_every_record_is_counted(tmp_path: Path) -> None:
    warc = tmp_path / "mixed.warc.gz"
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record("mixed.warc.gz", {"software": "test"}))
        for url, content_type in [
            ("https://www.kept.example/1", "text/html"),
            ("https://other.example/2", "text/html"),
            ("https://kept.example/logo.png", "image/png"),
            ("https://notkept.example/3", "text/html"),
            ("https://m.kept.example/4", "text/html"),
        ]:
            response(writer, url, PAGE, content_type)
    dump = tmp_path / "pages.jsonl"
    lines = [
        orjson.dumps({"url": f"https://{host}/{n}", "html": "<p>x</p>"})
        for n, host in [(5, "kept.example"), (6, "other.example")]
    ]
    dump.write_bytes(b"\n".join([*lines, b"not JSON"]) + b"\n")
    single = tmp_path / "page.html"
    single.write_bytes(PAGE)
    kept = SiteFilter.of(["kept.example"])

    counts = Counts()
    found = items(warc, dump, reading=Reading(sites=kept, counts=counts))
    ours, theirs = Counts(), Counts()
    single_ours = items(single, url="https://kept.example/7", reading=Reading(sites=kept, counts=ours))
    single_theirs = items(single, url="https://other.example/8", reading=Reading(sites=kept, counts=theirs))

    assert [item.url if isinstance(item, RawPage) else item.source for item in found] == [
        "https://www.kept.example/1",
        "https://m.kept.example/4",
        "https://kept.example/5",
        f"{dump}:3",  # a line that cannot be read has no URL to filter by: it is reported
    ]
    # Every record of the WARC (its warcinfo too) and every line; kept: the pages handed on to be cleaned.
    assert counts == Counts(records=9, kept=4)
    assert [item.url for item in single_ours] == ["https://kept.example/7"]  # type: ignore[union-attr]
    assert (single_theirs, ours, theirs) == ([], Counts(records=1, kept=1), Counts(records=1, kept=0))
    every = Counts()
    assert len(items(single, single, reading=Reading(counts=every))) == 2
    assert every == Counts(records=2, kept=2)


def test_a_warc_on_a_server_is_read_whole_or_by_span_and_other_dumps_are_refused(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_bytes(orjson.dumps({"url": "https://example.com/", "html": "<p>x</p>"}))
    offsets = write_warc(tmp_path / "a.warc.gz", STORIES)

    with FileServer(tmp_path) as server:
        warc = server.url("a.warc.gz") + "?token=1"  # a signed URL: its path tells the kind
        server.unavailable["a.warc.gz"] = 1  # a 503 first: tried again
        whole = items(warc, reading=Reading(retry=Retry(retries=1, backoff=0.0)))
        part = items(warc, reading=Reading(span=Span(offsets[3], offsets[6])))
        refused = items(server.url("b.jsonl"))
        gone = items(server.url("gone.warc.gz"), reading=Reading(retry=Retry(retries=0)))
        requests = list(server.requests)

    assert [item.source for item in whole] == [f"{warc}@{offset}" for offset in offsets]
    assert [item.url for item in whole] == URLS  # type: ignore[union-attr]
    assert [item.source for item in part] == [f"{warc}@{offset}" for offset in offsets[3:6]]
    only_warcs = "only WARC files (.warc, .warc.gz) are read from servers"
    assert refused == [Unreadable(server.url("b.jsonl"), only_warcs, lost=True)]
    assert gone == [Unreadable(server.url("gone.warc.gz"), "download failed: HTTP 404", lost=True)]
    # The span's download begins at its first byte; the refused dump is never downloaded.
    assert requests == [
        *[("a.warc.gz", None)] * 2,
        ("a.warc.gz", f"bytes={offsets[3]}-"),
        ("gone.warc.gz", None),
    ]


def test_a_revisit_record_is_not_a_page(tmp_path: Path) -> None:
    """A crawl with `--warc-revisits` archives an unchanged page again as a revisit record: HTTP headers
    of a 200 and no payload. Only the first capture is a page."""
    warc = tmp_path / "revisits.warc.gz"
    url = "https://example.com/unchanged"
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        response(writer, url, PAGE, "text/html")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        digest = "sha1:" + "A" * 32
        writer.write_record(
            writer.create_revisit_record(url, digest, url, "2026-12-01T00:00:00Z", http_headers=headers)
        )

    counts = Counts()
    found = items(warc, reading=Reading(counts=counts))

    assert [(item.source, item.html) for item in found] == [(f"{warc}@0", PAGE)]  # type: ignore[union-attr]
    assert counts == Counts(records=2, kept=1)


def test_each_corrupt_region_is_reported_once_and_every_other_record_read(tmp_path: Path) -> None:
    warc = tmp_path / "damaged.warc.gz"
    offsets = write_warc(warc, STORIES)
    data = bytearray(warc.read_bytes())
    for n in (2, 5):  # two regions: the second is met after reading resumed past the first
        middle = (offsets[n] + offsets[n + 1]) // 2
        data[middle : middle + 16] = b"\xff" * 16
    warc.write_bytes(bytes(data))

    found = items(warc)

    assert [(item.source, type(item)) for item in found] == [
        (f"{warc}@{offset}", Unreadable if n in (2, 5) else RawPage) for n, offset in enumerate(offsets)
    ]


def test_each_kind_of_damage_is_reported_at_its_record_with_its_reason(tmp_path: Path) -> None:
    data, offsets = plain_warc(URLS[:2], PAGE)
    (tmp_path / "trailing.warc").write_bytes(data + b"trailing bytes\r\n")
    (tmp_path / "cut.warc").write_bytes(data[:-40])
    wrong, wrong_offsets = plain_warc(URLS[:3], PAGE, {1: len(PAGE) + 200})
    (tmp_path / "length.warc").write_bytes(wrong)

    def read(name: str) -> list[tuple[str, str | None]]:
        path = tmp_path / name
        return [(item.source.removeprefix(f"{path}@"), getattr(item, "reason", None)) for item in items(path)]

    assert read("trailing.warc") == [
        ("0", None),
        (str(offsets[1]), None),
        (str(len(data)), "unreadable WARC data, skipped: Invalid WARC record, first line: trailing bytes"),
    ]
    assert read("cut.warc") == [("0", None), (str(offsets[1]), "truncated record")]
    assert read("length.warc") == [
        ("0", None),
        (str(wrong_offsets[1]), "record length does not match its Content-Length"),
        (str(wrong_offsets[2]), None),  # the next record is found and read
    ]
