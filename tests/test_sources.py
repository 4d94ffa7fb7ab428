"""Where `scraper clean` reads pages from (`scraper.sources.read_pages`), in-process: which files a folder
gives, in which order, and what each page, JSON Lines record and WARC record becomes, with its source id
(the resume key). The CLI tests (test_clean_cli, test_dumps) run the same code in a subprocess."""

from __future__ import annotations

import gzip
import io
import random
import sys
from pathlib import Path

import orjson
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.sources import RawPage, Unreadable, read_pages
from tests.support.warcs import plain_warc

PAGE = b"<html><body><p>The council voted on the harbour plan.</p></body></html>"


FETCHED = "2026-11-22T03:30:00.123456Z"  # a WARC-Date: the fetched_at of the page


def items(*paths: Path | str, **kwargs: object) -> list[RawPage | Unreadable]:
    return list(read_pages([str(p) for p in paths], **kwargs))  # type: ignore[arg-type]


def test_folders_give_their_page_and_dump_files_in_sorted_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "b" / "deeper").mkdir(parents=True)
    (folder / "a").mkdir()
    for name in (
        "z.html",
        "A.HTM",
        "page.html.gz",
        "notes.txt",
        "expected.json",
        "b/x.warc",
        "b/deeper/y.jsonl.gz",
    ):
        (folder / name).write_bytes(b"")
    (folder / "a" / "out.jsonl").write_bytes(b"")  # the run's own output
    (folder / "a" / "p.html").write_bytes(PAGE)  # after it in the same folder
    single = tmp_path / "single.html"
    single.write_bytes(PAGE)

    found = items(single, folder, outputs={str((folder / "a" / "out.jsonl").resolve())})

    names = [item.source.removeprefix(str(folder) + "/") for item in found]
    # A folder's files first, then its subfolders'; empty dumps give no records.
    assert names == [str(single), "A.HTM", "page.html.gz", "z.html", "a/p.html"]
    assert isinstance(found[0], RawPage) and found[0].html == PAGE


def test_pages_of_other_names_are_told_by_their_first_bytes(tmp_path: Path) -> None:
    """A mirror saves pages as .shtml, .php, .aspx, .xhtml or with no extension: each is read if it
    starts as HTML; a file that does not (text, JSON, an image, a stylesheet) is skipped and listed."""
    doctype = b"\xef\xbb\xbf\n  <!DOCTYPE html>\n<p>Harbour plan</p>"
    pages = {"a.shtml": PAGE, "b.php": doctype, "c.aspx": b"<HEAD><title>x</title></HEAD>", "d.xhtml": PAGE}
    pages |= {"index": PAGE, "story?id=3": b"<!-- saved -->\n<html lang=en><p>Harbour</p>"}
    others = {
        "notes.txt": b"the <html> tag starts a page",
        "expected.json": b'{"body": "<html>"}',
        "logo.png": b"\x89PNG\r\n\x1a\n<html",
        "site.css": b"body { margin: 0 }",
        "icon.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><title>logo</title></svg>',
        "feed": b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        "late": b"<!-- " + b"x" * 2000 + b" --><html><p>a page tag only after the first KiB</p>",
    }
    for name, data in {**pages, **others}.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")  # unreadable: read, so that its error is told
    skipped: list[str] = []

    found = items(tmp_path, skipped=skipped)

    assert [item.source for item in found] == sorted(str(tmp_path / name) for name in [*pages, "gone"])
    pages_read = [item.html for item in found if isinstance(item, RawPage)]
    assert pages_read == [pages[name] for name in sorted(pages)]
    gone = str(tmp_path / "gone")
    assert Unreadable(gone, f"[Errno 2] No such file or directory: '{gone}'") in found
    assert skipped == sorted(str(tmp_path / name) for name in others)


def test_single_pages_plain_gzipped_and_broken(tmp_path: Path) -> None:
    (tmp_path / "1.html").write_bytes(PAGE)
    (tmp_path / "2.html.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "3.html.gz").write_bytes(gzip.compress(PAGE)[:30])
    (tmp_path / "4.htm").write_bytes(PAGE)

    found = items(tmp_path, done={str(tmp_path / "4.htm")})

    assert found[:2] == [RawPage(str(tmp_path / "1.html"), PAGE), RawPage(str(tmp_path / "2.html.gz"), PAGE)]
    assert isinstance(found[2], Unreadable) and found[2].source == str(tmp_path / "3.html.gz")
    assert len(found) == 3  # 4.htm is done


def test_a_page_on_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE)))
    assert items("-", url="https://example.com/p") == [RawPage("-", PAGE, "https://example.com/p")]


def test_a_single_page_gets_the_url_given(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_bytes(PAGE)
    assert items(tmp_path / "p.html", url="https://example.com/p") == [
        RawPage(str(tmp_path / "p.html"), PAGE, "https://example.com/p")
    ]


def test_jsonl_records(tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    lines = [
        orjson.dumps({"url": "https://example.com/1", "html": "<p>one</p>", "fetched_at": FETCHED}),
        b"",  # blank: not a record
        orjson.dumps({"html": "<p>three</p>", "url": 3, "fetched_at": 3}),  # not strings: not given
        b"{not json",
        orjson.dumps(["html"]),
        orjson.dumps({"url": "https://example.com/6"}),
        orjson.dumps({"url": "https://example.com/7", "html": "<p>seven</p>"}),
    ]
    dump.write_bytes(b"\n".join(lines) + b"\n")

    found = items(dump, done={f"{dump}:7"})

    assert found[:2] == [
        RawPage(f"{dump}:1", "<p>one</p>", "https://example.com/1", fetched_at=FETCHED),
        RawPage(f"{dump}:3", "<p>three</p>", None),
    ]
    assert [(item.source, type(item)) for item in found[2:]] == [
        (f"{dump}:{n}", Unreadable) for n in (4, 5, 6)
    ]
    assert found[2].reason.startswith("not JSON: ")  # type: ignore[union-attr]
    assert found[3].reason == found[4].reason == 'not a JSON object with an "html" string'  # type: ignore[union-attr]


def test_gzipped_jsonl_cut_short_reports_where_it_stops(tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl.gz"
    noise = random.Random(1)  # text that does not compress away, so the cut lands mid-file
    records = [orjson.dumps({"url": f"u{n}", "html": noise.randbytes(200).hex()}) + b"\n" for n in range(50)]
    dump.write_bytes(gzip.compress(b"".join(records))[: -len(records[0]) * 10])

    found = items(dump)

    *pages, last = found
    assert 0 < len(pages) < 50
    assert [page.source for page in pages] == [f"{dump}:{n}" for n in range(1, len(pages) + 1)]
    assert isinstance(last, Unreadable) and last.source == f"{dump}:{len(pages) + 1}"
    assert last.reason.startswith("unreadable from here on: ")


def _record(writer: WARCWriter, url: str, status: str, content_type: str | None, body: bytes) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    date = {"WARC-Date": FETCHED}
    writer.write_record(
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=date
        )
    )


def test_warc_gives_html_responses_with_their_url_and_content_type(tmp_path: Path) -> None:
    warc = tmp_path / "c.warc.gz"
    offsets = []
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record("c.warc.gz", {"software": "test"}))
        for url, status, content_type in [
            ("https://example.com/html", "200 OK", "text/html; charset=ISO-8859-2"),
            ("https://example.com/xhtml", "200 OK", "application/xhtml+xml"),
            ("https://example.com/untyped", "200 OK", None),
            ("https://example.com/done", "200 OK", "text/html"),
            ("https://example.com/image", "200 OK", "image/png"),
            ("https://example.com/moved", "301 Moved Permanently", "text/html"),
            ("https://example.com/missing", "404 Not Found", "text/html"),
        ]:
            offsets.append(stream.tell())
            _record(writer, url, status, content_type, PAGE)
        request = writer.create_warc_record(
            "https://example.com/html", "request", payload=io.BytesIO(b"GET /")
        )
        writer.write_record(request)

    found = items(warc, done={f"{warc}@{offsets[3]}"})

    assert found == [
        RawPage(
            f"{warc}@{offsets[0]}", PAGE, "https://example.com/html", "text/html; charset=ISO-8859-2", FETCHED
        ),
        RawPage(f"{warc}@{offsets[1]}", PAGE, "https://example.com/xhtml", "application/xhtml+xml", FETCHED),
        RawPage(f"{warc}@{offsets[2]}", PAGE, "https://example.com/untyped", None, FETCHED),
    ]


def test_warc_with_a_corrupt_region_resumes_at_the_next_record(tmp_path: Path) -> None:
    warc = tmp_path / "c.warc.gz"
    offsets = []
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n in range(6):
            offsets.append(stream.tell())
            _record(writer, f"https://example.com/{n}", "200 OK", "text/html", PAGE * 20)
    data = bytearray(warc.read_bytes())
    middle = (offsets[2] + offsets[3]) // 2
    data[middle : middle + 16] = b"\xff" * 16
    warc.write_bytes(bytes(data))

    found = items(warc)

    assert [item.source for item in found] == [f"{warc}@{offsets[n]}" for n in (0, 1, 2, 3, 4, 5)]
    assert [type(item) for item in found] == [RawPage, RawPage, Unreadable, RawPage, RawPage, RawPage]
    assert found[2].reason.startswith("unreadable WARC data, skipped: ")  # type: ignore[union-attr]


def test_unreadable_inputs_are_named_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(b"not gzip at all\n")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE * 50)[:30])
    (tmp_path / "c.warc").symlink_to(tmp_path / "nowhere")

    assert items(*(tmp_path / name for name in ("a.jsonl.gz", "b.html.gz", "c.warc"))) == [
        Unreadable(
            f"{tmp_path / 'a.jsonl.gz'}:1", "unreadable from here on: Not a gzipped file (b'no')", lost=True
        ),
        Unreadable(
            str(tmp_path / "b.html.gz"), "Compressed file ended before the end-of-stream marker was reached"
        ),
        Unreadable(
            str(tmp_path / "c.warc"),
            f"[Errno 2] No such file or directory: '{tmp_path / 'c.warc'}'",
            lost=True,
        ),
    ]


def test_warc_starting_with_garbage_reports_it_once_then_reads_every_record(tmp_path: Path) -> None:
    warc = tmp_path / "c.warc"
    garbage = b"garbage before the first record\r\n"
    data, offsets = plain_warc(["https://example.com/1", "https://example.com/2"], PAGE)
    warc.write_bytes(garbage + data)

    found = items(warc)

    assert [(item.source, type(item)) for item in found] == [
        (f"{warc}@0", Unreadable),
        *((f"{warc}@{len(garbage) + offset}", RawPage) for offset in offsets),
    ]


def test_warc_resyncs_past_megabytes_of_garbage_and_cuts_long_reasons(tmp_path: Path) -> None:
    warc = tmp_path / "c.warc"
    first, _ = plain_warc(["https://example.com/1"], PAGE)
    second, _ = plain_warc(["https://example.com/2"], PAGE)
    garbage = b"x" * (3 * 2**20)  # longer than a scanning block
    warc.write_bytes(first + garbage + second)

    found = items(warc)

    assert [(item.source, type(item)) for item in found] == [
        (f"{warc}@0", RawPage),
        (f"{warc}@{len(first)}", Unreadable),
        (f"{warc}@{len(first) + len(garbage)}", RawPage),
    ]
    reason = found[1].reason  # type: ignore[union-attr]
    prefix = "unreadable WARC data, skipped: "
    assert reason.startswith(prefix + "Invalid WARC record, first line: xxx")
    assert len(reason) == len(prefix) + 120 and reason.endswith("x…")  # cut to 120 characters


def test_pages_over_64_mib_are_refused(tmp_path: Path) -> None:
    limit = 64 * 2**20
    (tmp_path / "1-at-the-limit.html").write_bytes(PAGE.ljust(limit))
    (tmp_path / "2-over.html").write_bytes(PAGE.ljust(limit + 1))
    warc = tmp_path / "3.warc"
    with open(warc, "wb") as stream:
        _record(
            WARCWriter(stream, gzip=False),
            "https://example.com/big",
            "200 OK",
            "text/html",
            PAGE.ljust(limit + 1),
        )

    found = items(tmp_path)

    assert isinstance(found[0], RawPage) and len(found[0].html) == limit
    assert found[1:] == [
        Unreadable(str(tmp_path / "2-over.html"), "page larger than 64 MiB"),
        Unreadable(f"{warc}@0", "page larger than 64 MiB"),
    ]
