"""`scraper clean` over dumps: WARC files written by warcio (with broken records), JSON Lines dumps,
parallel and unordered runs, the errors file, and --resume after a real SIGKILL."""

from __future__ import annotations

import gzip
import json
import os
import signal
import time
from pathlib import Path

import orjson
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from scraper.batch import CHUNK_ITEMS, CHUNKS_PER_WORKER
from scraper.sinks.files import RecordFile
from scraper.sinks.records import JsonLines
from tests.support.commands import clean, clean_from, start_clean, workers_of
from tests.support.fifo import Fifo
from tests.support.outputs import line_count, parse_lines
from tests.support.pages import article_page, slow_page
from tests.support.waiting import wait_for
from tests.support.warcs import response, write_warc

RUSSIAN_TITLE = "Паромы будут ходить и зимой"


def articles_by_url(stdout: bytes) -> dict[str, dict]:
    found = parse_lines(stdout)
    by_url = {article["url"]: article for article in found}
    assert len(by_url) == len(found), "an article came out twice"
    return by_url


def test_warc_with_broken_records_gives_every_good_record_once(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = {}
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))

        def page(name: str, content_type: str = "text/html", body: bytes | None = None, **kw: int) -> None:
            offsets[name] = stream.tell()
            html = body or article_page(f"Page {name}", lead=f"Page {name} begins").encode()
            response(writer, f"https://example.com/{name}", html, content_type, **kw)

        page("good-1")
        page("image", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(2000))
        page("truncated", length=20_000)  # declares more than it holds
        page("good-2")
        legacy = article_page(RUSSIAN_TITLE, lead="Паромная компания объявила зимнее расписание")
        page("wrong-charset", "text/html; charset=utf-8", legacy.encode("cp1251"))
        page("corrupt")
        page("good-3")
        page("good-4")
        end = stream.tell()
    data = bytearray(warc.read_bytes())
    middle = (offsets["corrupt"] + offsets["good-3"]) // 2
    data[middle : middle + 16] = b"\xff" * 16  # the gzip member breaks halfway
    warc.write_bytes(bytes(data))
    assert len(data) == end

    result = clean(warc, "-j", "2")

    assert result.returncode == 1
    found = articles_by_url(result.stdout)
    good = ["good-1", "good-2", "wrong-charset", "good-3", "good-4"]
    assert list(found) == [f"https://example.com/{name}" for name in good]
    assert found["https://example.com/good-4"]["title"] == "Page good-4"
    assert found["https://example.com/wrong-charset"]["title"] == RUSSIAN_TITLE
    assert (
        "Паромная компания объявила зимнее расписание" in found["https://example.com/wrong-charset"]["body"]
    )
    errors = result.stderr.decode().splitlines()
    assert errors[0] == f"{warc}@{offsets['truncated']}: truncated record"
    assert errors[1].startswith(f"{warc}@{offsets['corrupt']}: unreadable WARC data, skipped: ")
    assert errors[2:] == ["2 of 7 pages failed"]


POLISH_TITLE = "Łódź i Kraków mają nowe tramwaje"
POLISH_TEXT = "Władze Łodzi i Krakowa zamówiły czterdzieści nowych tramwajów, które wyjadą na ulice jesienią."


def test_warc_record_charset_given_only_in_its_http_header(tmp_path: Path) -> None:
    """Neither a BOM nor a <meta> names the charset, and detection reads these ISO-8859-2 bytes as
    another charset: only the record's HTTP Content-Type says how to decode them."""
    paragraphs = "".join(f"<p>{POLISH_TEXT} ({n})</p>" for n in range(6))
    page = f"<html><head><title>{POLISH_TITLE}</title></head><body><article><h1>{POLISH_TITLE}</h1>"
    page += f"{paragraphs}</article></body></html>"
    warc = tmp_path / "crawl.warc.gz"
    with open(warc, "wb") as stream:
        response(WARCWriter(stream, gzip=True), "https://example.pl/tramwaje", page.encode("iso-8859-2"),
                 "text/html; charset=ISO-8859-2")  # fmt: skip

    result = clean(warc)

    assert result.returncode == 0, result.stderr
    [article] = parse_lines(result.stdout)
    assert article["title"] == POLISH_TITLE
    assert article["body"].split("\n\n")[0] == f"{POLISH_TEXT} (0)"


def test_uncompressed_warc_with_a_wrong_content_length_loses_only_that_record(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc"
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        response(writer, "https://example.com/a", article_page("Page a").encode(), "text/html")
        bad = stream.tell()
        response(writer, "https://example.com/b", article_page("Page b").encode(), "text/html", length=2_000)
        response(writer, "https://example.com/c", article_page("Page c").encode(), "text/html")

    result = clean(warc)

    assert result.returncode == 1
    assert list(articles_by_url(result.stdout)) == ["https://example.com/a", "https://example.com/c"]
    assert result.stderr.decode().splitlines()[0] == (
        f"{warc}@{bad}: record length does not match its Content-Length"
    )


def test_jsonl_dumps_plain_and_gzipped(tmp_path: Path) -> None:
    records = [{"url": f"https://example.com/{n}", "html": article_page(f"Dumped {n}")} for n in range(3)]
    plain, packed = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    plain.write_bytes(b"\n".join(map(orjson.dumps, records[:2])) + b'\nnot json\n{"url": "x"}\n')
    packed.write_bytes(gzip.compress(orjson.dumps(records[2]) + b"\n"))

    result = clean(plain, packed, "-j", "1")

    assert result.returncode == 1
    assert list(articles_by_url(result.stdout)) == [record["url"] for record in records]
    assert [a["title"] for a in parse_lines(result.stdout)] == ["Dumped 0", "Dumped 1", "Dumped 2"]
    errors = result.stderr.decode().splitlines()
    assert errors[0].startswith(f"{plain}:3: not JSON")
    assert errors[1] == f'{plain}:4: not a JSON object with an "html" string'


def test_fetched_at_comes_from_the_warc_date_or_the_dump_record(tmp_path: Path) -> None:
    warc, dump, page = tmp_path / "crawl.warc.gz", tmp_path / "d.jsonl", tmp_path / "saved.html"
    write_warc(warc, [("https://example.com/w", "From a WARC")])
    with open(warc, "rb") as stream:
        [date] = [r.rec_headers.get_header("WARC-Date") for r in ArchiveIterator(stream)]
    when = "2026-11-22T03:30:00Z"
    records = [
        {"url": "https://example.com/d", "html": article_page("Dumped"), "fetched_at": when},
        {"url": "https://example.com/e", "html": article_page("Dumped without a date")},
    ]
    dump.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    page.write_text(article_page("Saved"), "utf-8")

    result = clean(warc, dump, page)

    assert result.returncode == 0, result.stderr
    fetched = [article["fetched_at"] for article in parse_lines(result.stdout)]
    assert fetched == [date, when, None, None]  # a bare file: not known


def test_parallel_runs_give_the_same_articles_ordered_or_not(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, ((f"https://example.com/{n}", f"Story {n}") for n in range(40)))
    urls = [f"https://example.com/{n}" for n in range(40)]

    ordered = clean(warc, "-j", "2")
    unordered = clean(warc, "-j", "2", "--unordered")
    single = clean(warc, "-j", "1")

    assert ordered.returncode == unordered.returncode == single.returncode == 0
    assert list(articles_by_url(ordered.stdout)) == urls
    assert ordered.stdout == single.stdout
    assert sorted(unordered.stdout.splitlines()) == sorted(ordered.stdout.splitlines())


def test_errors_file_lists_each_failure_with_its_source(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(article_page("Fine"))
    (tmp_path / "empty.html").write_bytes(b" \n")
    errors = tmp_path / "errors.jsonl"

    result = clean(tmp_path / "good.html", tmp_path / "empty.html", "--errors", errors)

    assert result.returncode == 1
    assert parse_lines(errors.read_bytes()) == [
        {"source": str(tmp_path / "empty.html"), "error": "empty document"}
    ]


def test_resume_after_sigkill_finishes_with_every_page_once(tmp_path: Path) -> None:
    """The dump is a pipe the test writes: the run is killed before it has the last record, so for
    certain mid-run, with pages in flight in its two workers."""
    urls = [f"https://example.com/story/{n}" for n in range(400)]
    records = [
        orjson.dumps({"url": url, "html": article_page(f"Story {n}", lead=f"Story {n} begins")}) + b"\n"
        for n, url in enumerate(urls)
    ]
    dump, out, part = tmp_path / "dump.jsonl", tmp_path / "out.jsonl", tmp_path / "out.jsonl.part"
    fifo = Fifo(dump)

    run = start_clean(dump, "-o", out, "--resume", "-j", "2")
    fifo.open()
    fifo.feed_until(records, lambda: line_count(part) >= 30)
    workers = workers_of(run.pid)
    assert len(workers) == 2
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    assert run.returncode == -signal.SIGKILL
    fifo.close()
    assert not out.exists()  # never half-written: the output appears when a run completes
    assert line_count(part) < len(urls)
    wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in workers))

    status, stderr = clean_from(fifo, b"".join(records), dump, "-o", out, "--resume", "-j", "2")

    assert status == 0, stderr
    assert stderr.startswith("resuming: ")
    assert sorted(articles_by_url(out.read_bytes())) == sorted(urls)
    sources = (tmp_path / "out.jsonl.sources").read_text().splitlines()
    assert sorted(map(json.loads, sources)) == sorted(f"{dump}:{n}" for n in range(1, len(urls) + 1))
    assert sorted(os.listdir(tmp_path)) == ["dump.jsonl", "out.jsonl", "out.jsonl.sources"]


def test_a_killed_worker_fails_only_the_pages_in_flight(tmp_path: Path) -> None:
    """The first page takes seconds, so it is certainly in flight when a worker is killed: the workers
    start with the first chunk, and the kill follows within milliseconds."""
    warc = tmp_path / "crawl.warc.gz"
    urls = [f"https://example.com/story/{n}" for n in range(400)]
    with open(warc, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        response(writer, "https://example.com/slow", slow_page(), "text/html; charset=utf-8")
        for n, url in enumerate(urls):
            response(writer, url, article_page(f"Story {n}").encode(), "text/html; charset=utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"

    run = start_clean(warc, "-o", out, "--errors", errors, "-j", "2")
    wait_for(lambda: bool(workers_of(run.pid)))
    os.kill(workers_of(run.pid)[0], signal.SIGKILL)  # as the out-of-memory killer would
    run.communicate(timeout=120)
    assert run.returncode == 1

    failures = parse_lines(errors.read_bytes())
    assert f"{warc}@0" in [failure["source"] for failure in failures]  # the slow page
    assert len(failures) <= 2 * CHUNKS_PER_WORKER * CHUNK_ITEMS
    assert all(failure["error"].startswith("the worker process died") for failure in failures)
    assert len(articles_by_url(out.read_bytes())) + len(failures) == len(urls) + 1
    # The resume retries the failed pages; the slow one fails again, on a time limit this time. The limit
    # is a wall clock: it leaves a loaded machine's first pages of a worker (~25 ms alone) a wide margin.
    resumed = clean(warc, "-o", out, "--resume", "--page-timeout", "4")
    assert resumed.returncode == 1
    assert resumed.stderr.decode().splitlines()[1:] == [
        f"{warc}@0: took longer than 4 s (the page time limit)",
        f"1 of {len(failures)} pages failed",
    ]
    assert sorted(articles_by_url(out.read_bytes())) == sorted(urls)


def test_resume_of_a_finished_output_does_only_the_new_inputs(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc"
    write_warc(warc, [("https://example.com/old", "Old")], compress=False)
    (tmp_path / "new.html").write_text(article_page("New"))
    out = tmp_path / "out.jsonl"
    assert clean(warc, "-o", out).returncode == 0
    first = out.read_bytes()

    started = time.monotonic()
    result = clean(warc, tmp_path / "new.html", "-o", out, "--resume")

    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == f"resuming: 1 pages already in {out}\n"
    assert out.read_bytes().startswith(first)
    assert [a["title"] for a in parse_lines(out.read_bytes())] == ["Old", "New"]
    assert time.monotonic() - started < 60


def test_resume_of_a_jsonl_dump_does_each_remaining_record_once(tmp_path: Path) -> None:
    """A dump cleaned up to its second record, then grown to four: the resumed run does records 3 and 4,
    each once, in order."""
    dump, out = tmp_path / "dump.jsonl", tmp_path / "out.jsonl"
    records = [
        orjson.dumps({"url": f"https://example.com/{n}", "html": article_page(f"Dumped {n}")})
        for n in range(4)
    ]
    dump.write_bytes(b"\n".join(records[:2]) + b"\n")
    assert clean(dump, "-o", out).returncode == 0
    dump.write_bytes(b"\n".join(records) + b"\n")

    result = clean(dump, "-o", out, "--resume", "-j", "1")

    assert result.returncode == 0, result.stderr
    assert [a["title"] for a in parse_lines(out.read_bytes())] == [f"Dumped {n}" for n in range(4)]
    sources = [json.loads(line) for line in (tmp_path / "out.jsonl.sources").read_text().splitlines()]
    assert sources == [f"{dump}:{n}" for n in range(1, 5)]


@pytest.mark.parametrize("cut", ["article-without-source", "partial-lines"])
def test_resume_keeps_only_complete_pairs_of_lines(tmp_path: Path, cut: str) -> None:
    out = tmp_path / "out.jsonl"
    writer = RecordFile(out, JsonLines())
    for n in range(3):
        writer.write(f"page-{n}", b'{"n": %d}' % n)
    writer.close()  # as if killed: the .part files stay
    articles, sources = tmp_path / "out.jsonl.part", tmp_path / "out.jsonl.sources.part"
    if cut == "article-without-source":
        sources.write_bytes(b"\n".join(sources.read_bytes().splitlines()[:2]) + b"\n")
    else:
        articles.write_bytes(articles.read_bytes() + b'{"n": 3, "bo')
        sources.write_bytes(sources.read_bytes() + b'"page')

    resumed = RecordFile(out, JsonLines(), resume=True)
    resumed.write("page-9", b'{"n": 9}')
    resumed.finish()

    kept = 2 if cut == "article-without-source" else 3
    assert resumed.done == {f"page-{n}" for n in range(kept)}
    assert parse_lines(out.read_bytes()) == [{"n": n} for n in range(kept)] + [{"n": 9}]
    assert [json.loads(line) for line in (tmp_path / "out.jsonl.sources").read_text().splitlines()] == [
        *(f"page-{n}" for n in range(kept)),
        "page-9",
    ]
