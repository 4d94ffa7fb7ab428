"""`scraper clean -o` in every file format (JSON Lines plain, .gz, .zst; CSV plain and .gz; Parquet): read
back by each format's standard reader, fed back to `--resume`, resumed after a SIGKILL, and `{run}`
output names."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import signal
import zlib
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest
import zstandard

from tests.support.commands import clean, clean_from, start_clean, workers_of
from tests.support.fifo import Fifo
from tests.support.outputs import line_count, parse_lines
from tests.support.pages import article_page
from tests.support.waiting import wait_for

NAMES = ["out.jsonl.gz", "out.jsonl.zst", "out.csv", "out.csv.gz", "out.parquet"]


def standard_read(path: Path) -> list[dict[str, Any]]:
    """The records of an output, as the format's own reader gives them (CSV: strings)."""
    name = path.name
    if name.endswith(".parquet"):
        return pq.read_table(path).to_pylist()
    if name.endswith(".gz"):
        data = gzip.decompress(path.read_bytes())
    elif name.endswith(".zst"):
        data = (
            zstandard.ZstdDecompressor()
            .stream_reader(io.BytesIO(path.read_bytes()), read_across_frames=True)
            .read()
        )
    else:
        data = path.read_bytes()
    if ".csv" in name:
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    return parse_lines(data)


def as_csv_row(article: dict[str, Any]) -> dict[str, str]:
    """What a spreadsheet shows of an article: one cell a field, lists joined, objects spread."""
    row = {}
    for name, value in article.items():
        if isinstance(value, dict) or (value is None and name == "image"):
            fields = value or {"url": None, "caption": None}
            row.update({f"{name}_{k}": "" if v is None else str(v) for k, v in fields.items()})
        elif isinstance(value, list):
            row[name] = "; ".join(value)
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
        else:
            row[name] = "" if value is None else str(value)
    return row


def expected(article: dict[str, Any], name: str) -> dict[str, Any]:
    return as_csv_row(article) if ".csv" in name else article


def pages(folder: Path, numbers: range, paragraphs: int = 6) -> None:
    """Article pages whose titles hold quotes and commas and whose bodies hold paragraphs (line breaks):
    what CSV must quote."""
    folder.mkdir(exist_ok=True)
    for n in numbers:
        title = f'The "harbour" plan, part {n}'
        page = article_page(title, lead=f'Story {n}, "quoted" begins', paragraphs=paragraphs)
        (folder / f"{n:03}.html").write_text(page)


@pytest.mark.parametrize("name", NAMES)
def test_every_output_format_is_read_by_its_standard_reader(tmp_path: Path, name: str) -> None:
    pages(tmp_path / "pages", range(40))
    reference, out = tmp_path / "out.jsonl", tmp_path / name

    assert clean(tmp_path / "pages", "-o", reference).returncode == 0
    result = clean(tmp_path / "pages", "-o", out)

    assert result.returncode == 0, result.stderr
    articles = parse_lines(reference.read_bytes())
    assert '"harbour"' in articles[0]["title"] and "\n\n" in articles[0]["body"]
    assert standard_read(out) == [expected(article, name) for article in articles]
    assert (tmp_path / f"{name}.sources").read_text() == (tmp_path / "out.jsonl.sources").read_text()
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["pages", "out.jsonl", "out.jsonl.sources", name, f"{name}.sources"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_resume_reads_a_finished_output_back_and_adds_only_new_pages(tmp_path: Path, name: str) -> None:
    pages(tmp_path / "pages", range(5))
    out = tmp_path / name
    assert clean(tmp_path / "pages", "-o", out).returncode == 0
    pages(tmp_path / "pages", range(5, 8))

    result = clean(tmp_path / "pages", "-o", out, "--resume")

    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().startswith(f"resuming: 5 pages already in {out}")
    titles = [record["title"] for record in standard_read(out)]
    assert titles == [f'The "harbour" plan, part {n}' for n in range(8)]


def dump_records(count: int) -> list[bytes]:
    return [
        orjson.dumps(
            {"url": f"https://example.com/story/{n}", "html": article_page(f'Story "{n}"', paragraphs=20)}
        )
        + b"\n"
        for n in range(count)
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_format_resumes_after_sigkill_with_every_page_once(tmp_path: Path, name: str) -> None:
    """The dump is a pipe the test writes, its last record held back, so the kill lands mid-run; a
    compressed output has written at least one member of articles by then (and holds more in memory)."""
    records = dump_records(400)
    dump, out = tmp_path / "dump.jsonl", tmp_path / name
    sources_part = tmp_path / f"{name}.sources.part"
    fifo = Fifo(dump)

    run = start_clean(dump, "-o", out, "--resume", "-j", "2")
    fifo.open()
    fifo.feed_until(records, lambda: line_count(sources_part) >= 30)
    workers = workers_of(run.pid)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    fifo.close()
    assert not out.exists()
    wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in workers))

    status, stderr = clean_from(fifo, b"".join(records), dump, "-o", out, "--resume", "-j", "2")

    assert status == 0, stderr
    assert re.match(r"resuming: \d+ pages already in ", stderr)
    titles = [record["title"] for record in standard_read(out)]
    assert sorted(titles) == sorted(f'Story "{n}"' for n in range(400))  # each once
    sources = [json.loads(line) for line in (tmp_path / f"{name}.sources").read_text().splitlines()]
    assert sorted(sources) == sorted(f"{dump}:{n}" for n in range(1, 401))
    assert sorted(os.listdir(tmp_path)) == sorted(["dump.jsonl", name, f"{name}.sources"])


def test_a_compressed_output_is_a_member_per_block_of_articles(tmp_path: Path) -> None:
    """Members of whole articles, a few hundred KiB each: compression near one stream's, resumable."""
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b"".join(dump_records(300)))
    out = tmp_path / "out.jsonl.gz"
    assert clean(dump, "-o", out).returncode == 0
    members, data = [], out.read_bytes()
    while data:
        inflate = zlib.decompressobj(wbits=31)
        members.append(inflate.decompress(data))
        data = inflate.unused_data
    assert len(members) > 2
    assert all(member.endswith(b"\n") for member in members)
    assert b"".join(members) == gzip.decompress(out.read_bytes())


@pytest.mark.parametrize("suffix", [".jsonl", ".csv.gz"])
def test_run_in_a_clean_output_name(tmp_path: Path, suffix: str) -> None:
    """Each run its own file, named by its start time; --resume skips what finished runs hold and goes
    on with a killed run's file under its own name."""
    pages(tmp_path / "pages", range(3))
    out = tmp_path / "out"
    out.mkdir()
    pattern = str(out / f"articles-{{run}}{suffix}")
    run_file = re.compile(r"articles-\d{8}T\d{6}Z(-\d+)?" + re.escape(suffix))

    assert clean(tmp_path / "pages", "-o", pattern).returncode == 0
    [first] = [name for name in os.listdir(out) if run_file.fullmatch(name)]
    pages(tmp_path / "pages", range(3, 100))  # enough for chunks to go out before the held one
    held = tmp_path / "pages" / "999.html"
    Fifo(held)  # never opened for writing: the run waits on it after the pages, and is killed there
    killed = start_clean(tmp_path / "pages", "-o", pattern, "--resume", "-j", "1")

    def written() -> int:  # source ids in the killed run's file (a compressed one keeps its block)
        parts = [name for name in os.listdir(out) if name.endswith(".sources.part")]
        return line_count(out / parts[0]) if parts else -1

    wait_for(lambda: written() >= (5 if suffix == ".jsonl" else 0))
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=30)
    held.unlink()
    [unfinished] = [name.removesuffix(".part") for name in os.listdir(out) if name.endswith(f"{suffix}.part")]
    pages(tmp_path / "pages", range(100, 101))

    result = clean(tmp_path / "pages", "-o", pattern, "--resume")

    assert result.returncode == 0, result.stderr
    runs = sorted(name for name in os.listdir(out) if run_file.fullmatch(name))
    assert runs == sorted({first, unfinished})
    titles = {name: [r["title"] for r in standard_read(out / name)] for name in runs}
    assert titles[first] == [f'The "harbour" plan, part {n}' for n in range(3)]
    assert titles[unfinished] == [f'The "harbour" plan, part {n}' for n in range(3, 101)]
    assert not [name for name in os.listdir(out) if name.endswith(".part")]


def test_a_zstd_dump_is_read(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl.zst"
    compressor = zstandard.ZstdCompressor()
    dump.write_bytes(b"".join(compressor.compress(record) for record in dump_records(3)))
    result = clean(dump)
    assert result.returncode == 0, result.stderr
    assert [a["title"] for a in parse_lines(result.stdout)] == [f'Story "{n}"' for n in range(3)]


def test_csv_on_standard_output_has_its_header(tmp_path: Path) -> None:
    pages(tmp_path / "pages", range(2))
    result = clean(tmp_path / "pages", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    assert [row["title"] for row in rows] == [f'The "harbour" plan, part {n}' for n in range(2)]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "parquet"],
        ["-o", "{tmp}/out.parquet.gz"],
        ["-o", "{tmp}/out.jsonl", "--to", "sqlite:///{tmp}/a.db"],
        ["--to", "{tmp}/a.db"],
        ["--to", "sqlite:///{tmp}/no-such-folder/a.db"],
    ],
    ids=["parquet-to-stdout", "compressed-parquet", "two-outputs", "to-a-path", "no-folder"],
)
def test_outputs_that_cannot_work_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    pages(tmp_path / "pages", range(1))
    result = clean(tmp_path / "pages", *(arg.format(tmp=tmp_path) for arg in args))
    assert result.returncode == 2, result.stderr
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["pages"]
