"""`scraper clean -o FOLDER/` on this machine: one atomic .jsonl.gz shard per dump, the manifest, --resume
after a SIGKILL (nothing lost, nothing twice), the folder's lock, shard names."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson

from scraper.status import LOCKED, OK, USAGE
from tests.support.commands import clean
from tests.support.outputs import parse_lines
from tests.support.pages import article_page
from tests.support.waiting import wait_for
from tests.support.warc_server import FileServer
from tests.support.warcs import write_warc


def write_dump(path: Path, count: int) -> list[str]:
    urls = [f"https://www.example.com/{path.parent.name}/{path.name}/{n}" for n in range(count)]
    write_warc(path, ((url, f"Story {n} of {path.name}") for n, url in enumerate(urls)))
    return urls


def shard_urls(folder: Path) -> Counter[str]:
    """How often each article is in the shards, checking that each shard is whole gzip."""
    found: Counter[str] = Counter()
    for shard in sorted(folder.glob("*.jsonl.gz")):
        found.update(article["url"] for article in parse_lines(gzip.decompress(shard.read_bytes())))
    return found


def manifest(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]


def test_each_dump_into_its_own_shard_and_a_resume_does_nothing_new(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    urls = write_dump(dumps / "a.warc.gz", 5) + write_dump(dumps / "b.warc", 3)
    records = [{"url": f"https://www.example.com/j/{n}", "html": article_page(f"Line {n}")} for n in range(4)]
    (dumps / "c.jsonl").write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    urls += [record["url"] for record in records]
    out = tmp_path / "out"

    first = clean(dumps, "-o", f"{out}/", "-j", "2")

    assert first.returncode == OK, first.stderr
    assert shard_urls(out) == Counter(urls)
    assert sorted(path.name for path in out.iterdir()) == [
        ".lock",
        "a.jsonl.gz",
        "b.jsonl.gz",
        "c.jsonl.gz",
        "manifest.jsonl",
    ]
    assert sorted((entry["shard"], entry["records"], entry["articles"]) for entry in manifest(out)) == [
        ("a.jsonl.gz", 5, 5),
        ("b.jsonl.gz", 3, 3),
        ("c.jsonl.gz", 4, 4),
    ]
    summary = first.stderr.decode().splitlines()
    assert summary[0] == f"inputs: 3 of 3 done into {out}"
    assert summary[1].startswith("records seen 12, kept 12, articles 12 (")
    times = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}

    again = clean(dumps, "-o", out, "--resume")

    assert again.returncode == OK, again.stderr
    assert again.stderr.decode().splitlines()[:2] == [
        f"resuming: 3 inputs already done in {out}",
        "inputs: 0 of 0 done into " + str(out),
    ]
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == times
    refused = clean(dumps, "-o", out)
    assert refused.returncode == USAGE
    assert "holds the manifest of another run: --resume to finish it" in refused.stderr.decode()


def test_a_killed_run_resumes_with_every_article_once(tmp_path: Path) -> None:
    names = ["a.warc.gz", "b.warc.gz", "c.warc.gz"]
    urls = [url for name in names for url in write_dump(tmp_path / name, 20)]
    listing = tmp_path / "warc.paths"
    listing.write_text("".join(f"{name}\n" for name in names))
    out = tmp_path / "out"
    with FileServer(tmp_path) as server:
        server.hold["b.warc.gz"] = (tmp_path / "b.warc.gz").stat().st_size // 2
        command = [
            sys.executable,
            "-m",
            "scraper",
            "clean",
            listing,
            "--base-url",
            server.url(""),
            "-o",
            f"{out}/",
        ]
        run = subprocess.Popen([*map(str, command), "-j", "1"], stderr=subprocess.PIPE)
        server.held.wait(timeout=60)
        wait_for(lambda: (out / "manifest.jsonl").exists() and manifest(out) != [])
        # The folder is the run's while it lives.
        second = clean(listing, "--base-url", server.url(""), "-o", out, "--resume")
        assert second.returncode == LOCKED
        assert f"another run is writing {out}; nothing was done" in second.stderr.decode()
        assert len(list(out.glob(".b.jsonl.gz.*.tmp"))) == 1  # b is being written, under a temporary name
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
        server.release()
        assert [entry["shard"] for entry in manifest(out)] == ["a.jsonl.gz"]

        resumed = clean(listing, "--base-url", server.url(""), "-o", out, "--resume")

    assert resumed.returncode == OK, resumed.stderr
    assert resumed.stderr.decode().startswith(f"resuming: 1 inputs already done in {out}\n")
    assert shard_urls(out) == Counter(urls)
    assert sorted(entry["shard"] for entry in manifest(out)) == ["a.jsonl.gz", "b.jsonl.gz", "c.jsonl.gz"]
    assert not list(out.glob(".*.tmp"))  # the killed run's temporary shard is gone


def test_dumps_of_the_same_name_get_shards_of_their_own(tmp_path: Path) -> None:
    for month in ("2026-10", "2026-11"):
        (tmp_path / month).mkdir()
        write_dump(tmp_path / month / "dump.warc.gz", 2)
    out = tmp_path / "out"

    result = clean(tmp_path / "2026-10", tmp_path / "2026-11", "-o", f"{out}/")

    assert result.returncode == OK, result.stderr
    shards = sorted(path.name for path in out.glob("*.jsonl.gz"))
    assert len(shards) == 2 and all(name.startswith("dump-") for name in shards)
    assert sum(shard_urls(out).values()) == 4 and len(shard_urls(out)) == 4


def test_a_lost_input_leaves_no_shard_and_is_done_on_resume(tmp_path: Path) -> None:
    urls = write_dump(tmp_path / "a.warc.gz", 30)
    out = tmp_path / "out"
    with FileServer(tmp_path) as server:
        server.cut["a.warc.gz"] = (tmp_path / "a.warc.gz").stat().st_size // 2
        server.down_after["a.warc.gz"] = 1
        lost = clean(server.url("a.warc.gz"), "-o", f"{out}/", "--retries", "0")
        del server.down_after["a.warc.gz"]
        resumed = clean(server.url("a.warc.gz"), "-o", f"{out}/", "--resume")

    assert lost.returncode == 4
    assert f"{server.url('a.warc.gz')}: download failed: " in lost.stderr.decode()
    assert resumed.returncode == OK, resumed.stderr
    assert shard_urls(out) == Counter(urls)


def test_pages_and_options_that_are_not_for_shards_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(article_page("A page"))
    write_dump(tmp_path / "a.warc.gz", 1)
    out = f"{tmp_path / 'out'}/"

    pages = clean(tmp_path, "-o", out)
    explain = clean(tmp_path / "a.warc.gz", "-o", out, "--explain")
    csv = clean(tmp_path / "a.warc.gz", "-o", out, "--format", "csv")
    database = clean(tmp_path / "a.warc.gz", "-o", out, "--to", f"sqlite:///{tmp_path / 'a.db'}")

    assert pages.returncode == USAGE
    assert f"pages go to -o FILE: {tmp_path / 'page.html'}" in pages.stderr.decode()
    assert explain.returncode == USAGE
    assert "--explain is not for -o FOLDER/" in explain.stderr.decode()
    assert csv.returncode == USAGE
    assert "--format is not for -o FOLDER/" in csv.stderr.decode()
    assert database.returncode == USAGE
    assert "-o FILE and --to URL exclude each other" in database.stderr.decode()
    assert not (tmp_path / "out").exists() and not (tmp_path / "a.db").exists()


def test_a_manifest_line_cut_by_a_kill_is_dropped_and_its_input_done_again(tmp_path: Path) -> None:
    a, b = write_dump(tmp_path / "a.warc.gz", 3), write_dump(tmp_path / "b.warc.gz", 3)
    out = tmp_path / "out"
    assert clean(tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", "-o", f"{out}/", "-j", "1").returncode == OK
    lines = (out / "manifest.jsonl").read_bytes().splitlines(keepends=True)
    (out / "manifest.jsonl").write_bytes(lines[0] + lines[1][:20])  # the kill came while writing the second

    resumed = clean(tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", "-o", out, "--resume")

    assert resumed.returncode == OK, resumed.stderr
    assert resumed.stderr.decode().startswith(f"resuming: 1 inputs already done in {out}\n")
    assert [entry["shard"] for entry in manifest(out)] == ["a.jsonl.gz", "b.jsonl.gz"]
    assert shard_urls(out) == Counter(a + b)


def test_a_big_warc_is_split_into_spans_with_every_article_once(tmp_path: Path) -> None:
    urls = [f"https://www.example.com/big/{n}" for n in range(60)]
    offsets = write_warc(tmp_path / "big.warc.gz", ((url, f"Story {n}") for n, url in enumerate(urls)))
    split = offsets[10]  # a span ends right where a record starts: that record is the next span's
    mb = str(split / 2**20)
    out = tmp_path / "out"
    with FileServer(tmp_path) as server:
        local = clean(tmp_path / "big.warc.gz", "-o", f"{out}/", "--split-mb", mb, "-j", "2")
        remote = clean(server.url("big.warc.gz"), "-o", f"{tmp_path / 'remote'}/", "--split-mb", mb)

    assert local.returncode == OK, local.stderr
    spans = -(-(tmp_path / "big.warc.gz").stat().st_size // split)
    assert sorted(path.name for path in out.glob("*.jsonl.gz")) == [
        f"big.{n:04d}.jsonl.gz" for n in range(spans)
    ]
    assert shard_urls(out) == Counter(urls)
    entries = sorted(manifest(out), key=lambda entry: entry["bytes"])
    assert [entry["bytes"][0] for entry in entries] == list(range(0, spans * split, split))
    assert sum(entry["records"] for entry in entries) == len(urls)  # no record read by two spans
    assert entries[0]["records"] == 10
    assert remote.returncode == OK, remote.stderr
    assert shard_urls(tmp_path / "remote") == Counter(urls)
    assert any(wanted and wanted != "bytes=0-" for _, wanted in server.requests)  # spans start mid-file
    again = clean(tmp_path / "big.warc.gz", "-o", out, "--split-mb", mb, "--resume")
    assert again.returncode == OK, again.stderr
    assert f"resuming: {spans} inputs already done in {out}" in again.stderr.decode()
    other = clean(tmp_path / "big.warc.gz", "-o", out, "--split-mb", str(2 * split / 2**20), "--resume")
    assert other.returncode == USAGE
    assert "the manifest lists other spans of " in other.stderr.decode()
