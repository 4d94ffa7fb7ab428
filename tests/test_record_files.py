"""Article files cut anywhere by a kill resume with every article once (`scraper.sinks.files.RecordFile`),
in-process, for each format and compression. A killed run leaves its `.part` files as any prefix of what
it would have written; a resume keeps the records that both the articles and their source ids hold
whole (at a member boundary when compressed) and the run writes the rest. The CLI tests (test_outputs,
test_dumps) kill real runs; these cut the files at and around every record's end, and between."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import zlib
from pathlib import Path

import orjson
import pytest
import zstandard

from scraper.errors import UsageError
from scraper.sinks import files
from scraper.sinks.compression import GZIP, NONE, ZSTD, Compression
from scraper.sinks.files import RecordFile
from scraper.sinks.records import CsvRows, JsonLines, Records

COUNT = 9
FORMATS = {
    "out.jsonl": (JsonLines, NONE),
    "out.jsonl.gz": (JsonLines, GZIP),
    "out.jsonl.zst": (JsonLines, ZSTD),
    "out.csv": (CsvRows, NONE),
    "out.csv.gz": (CsvRows, GZIP),
}


def article(n: int) -> bytes:
    """An article whose body has paragraphs and quotes (line breaks and quotes inside a CSV cell)."""
    body = f'Paragraph one of story {n}, "quoted".\n\nParagraph two.'
    return orjson.dumps({"url": f"https://example.com/{n}", "title": f"Story {n}", "body": body})


def urls(path: Path, compression: Compression) -> list[str]:
    """The URL of each article of a finished file, read with the standard readers."""
    text = compression.open_read(str(path)).read().decode()
    if ".csv" in path.name:
        return [row["url"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    return [json.loads(line)["url"] for line in text.splitlines()]


def source_ids(path: Path) -> list[str]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def killed_run(folder: Path, name: str, count: int) -> tuple[Path, Records, Compression]:
    """The `.part` files of a run killed after writing `count` articles (small blocks when compressed,
    so that there are several members)."""
    kind, compression = FORMATS[name]
    records = kind()
    writer = RecordFile(folder / name, records, compression)
    part = folder / f"{name}.part"
    for n in range(count):
        writer.write(f"page-{n}", article(n))
        if compression is NONE:  # a plain file has each record as soon as it is written
            assert part.read_bytes().endswith(records.encode(article(n))), n
    writer.close()
    return folder / name, records, compression


def resume_and_finish(path: Path, records: Records, compression: Compression) -> set[str]:
    resumed = RecordFile(path, records, compression, resume=True)
    done = set(resumed.done)
    for n in range(COUNT):
        if f"page-{n}" not in done:
            resumed.write(f"page-{n}", article(n))
    resumed.finish()
    return done


def record_ends(data: bytes, name: str) -> list[int]:
    """Where each article of an article file becomes whole, in bytes of the file, found with the standard
    decompressors: the end of its record when plain, of the member holding it when compressed."""
    kind, compression = FORMATS[name]
    header = kind().header
    if compression is NONE:
        sizes = [len(kind().encode(article(n))) for n in range(COUNT)]
        return [len(header) + sum(sizes[: n + 1]) for n in range(COUNT)]
    ends, rest = [], data
    while rest:
        gzipped = compression is GZIP
        member = zlib.decompressobj(wbits=31) if gzipped else zstandard.ZstdDecompressor().decompressobj()
        block = member.decompress(rest)
        rest = member.unused_data
        if block != header:
            rows = csv.reader(io.StringIO(block.decode(), newline="")) if header else block.splitlines()
            ends += [len(data) - len(rest)] * len(list(rows))
    return ends


@pytest.mark.parametrize("name", FORMATS)
def test_a_run_cut_anywhere_resumes_with_every_article_once(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "BLOCK_BYTES", 300)  # two or three articles a member
    (tmp_path / "killed").mkdir()
    path, records, compression = killed_run(tmp_path / "killed", name, COUNT)
    part = path.with_name(path.name + ".part")
    sources_part = path.with_name(path.name + ".sources.part")
    whole = part.read_bytes()
    ends = record_ends(whole, name)
    assert len(ends) == COUNT and ends[-1] == len(whole)
    if compression is not NONE:  # a member per block of records, not one per record nor one in all
        assert 1 < len(set(ends)) < COUNT

    # Every byte around the ends of the header and of each record (or member), and between them.
    header = len(records.header)
    marks = [0, header, *ends]
    cuts = {max(0, mark + d) for mark in marks for d in (-1, 0, 1)}
    cuts |= {(a + b) // 2 for a, b in itertools.pairwise(marks)}
    for cut in sorted(cuts):
        folder = tmp_path / f"cut-{cut}"
        folder.mkdir()
        shutil.copyfile(sources_part, folder / sources_part.name)
        (folder / part.name).write_bytes(whole[:cut])
        done = resume_and_finish(folder / name, records, compression)

        # Every article whole in the cut file is kept (it has its source id), and no other.
        assert done == {f"page-{n}" for n in range(sum(end <= cut for end in ends))}, cut
        assert urls(folder / name, compression) == [f"https://example.com/{n}" for n in range(COUNT)], cut
        assert source_ids(folder / f"{name}.sources") == [f"page-{n}" for n in range(COUNT)], cut
        shutil.rmtree(folder)


@pytest.mark.parametrize("name", FORMATS)
def test_articles_without_their_source_id_are_done_again(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between an article (or a member of them) and its source ids: a resume keeps the whole
    blocks whose ids are all there, and the run writes the rest once."""
    monkeypatch.setattr(files, "BLOCK_BYTES", 300)
    (tmp_path / "killed").mkdir()
    path, records, compression = killed_run(tmp_path / "killed", name, COUNT)
    part = path.with_name(path.name + ".part")
    sources_part = path.with_name(path.name + ".sources.part")
    ends = record_ends(part.read_bytes(), name)
    blocks = [0] + [n + 1 for n in range(COUNT) if n + 1 == COUNT or ends[n] != ends[n + 1]]
    lines = sources_part.read_bytes().splitlines(keepends=True)

    for ids in range(COUNT + 1):
        folder = tmp_path / f"ids-{ids}"
        folder.mkdir()
        shutil.copyfile(part, folder / part.name)
        partial = lines[-1][: ids % 4]  # and a part of the next id
        (folder / sources_part.name).write_bytes(b"".join(lines[:ids]) + partial)
        done = resume_and_finish(folder / name, records, compression)

        assert done == {f"page-{n}" for n in range(max(b for b in blocks if b <= ids))}, ids
        assert urls(folder / name, compression) == [f"https://example.com/{n}" for n in range(COUNT)], ids
        assert source_ids(folder / f"{name}.sources") == [f"page-{n}" for n in range(COUNT)], ids


@pytest.mark.parametrize("name", FORMATS)
def test_a_finished_file_stays_whole_while_a_resumed_run_adds_to_it(tmp_path: Path, name: str) -> None:
    path, records, compression = killed_run(tmp_path, name, 3)
    RecordFile(path, records, compression, resume=True).finish()
    first = path.read_bytes()

    resumed = RecordFile(path, records, compression, resume=True)
    for n in (3, 4):
        resumed.write(f"page-{n}", article(n))
    done, during = set(resumed.done), path.read_bytes()
    resumed.finish()

    assert done == {"page-0", "page-1", "page-2"}
    assert during == first  # the finished output is copied, not reopened, until the run ends
    assert urls(path, compression) == [f"https://example.com/{n}" for n in range(5)]
    assert source_ids(path.with_name(path.name + ".sources")) == [f"page-{n}" for n in range(5)]


@pytest.mark.parametrize("name", FORMATS)
def test_a_run_that_does_not_resume_starts_a_new_file(tmp_path: Path, name: str) -> None:
    """The `.part` files a killed run left are replaced, not continued, without `--resume`."""
    path, records, compression = killed_run(tmp_path, name, 3)

    fresh = RecordFile(path, records, compression)
    assert fresh.done == set()
    fresh.write("page-7", article(7))
    fresh.finish()

    assert urls(path, compression) == ["https://example.com/7"]
    assert source_ids(path.with_name(path.name + ".sources")) == ["page-7"]


@pytest.mark.parametrize("name", ["out.csv", "out.csv.gz"])
def test_a_csv_file_of_other_columns_is_not_resumed(tmp_path: Path, name: str) -> None:
    _, compression = FORMATS[name]
    (tmp_path / name).write_bytes(compression.compress(b"url,headline\r\nhttps://example.com/1,Story\r\n"))

    with pytest.raises(UsageError) as raised:
        RecordFile(tmp_path / name, CsvRows(), compression, resume=True)

    cannot = "holds other columns than this version writes: cannot resume it"
    assert str(raised.value) == f"{tmp_path / name} {cannot}"  # the file the user named
