"""`scraper clean` through its command line (a real subprocess): inputs, output, exit codes, --explain."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import pty
import re
import signal
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scraper.article import json_schema
from tests.support.commands import clean, start_clean
from tests.support.fifo import Fifo
from tests.support.outputs import line_count, parse_lines
from tests.support.pages import article_page
from tests.support.samples import SAMPLES
from tests.support.waiting import wait_for


def test_files_folders_and_gzip_in_argument_order(tmp_path: Path) -> None:
    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "single.html").write_text(article_page("Single page"))
    (tmp_path / "pages" / "a.html").write_text(article_page("Page A"))
    (tmp_path / "pages" / "a.json").write_text("{}")  # an expected-output file: not an input
    (tmp_path / "pages" / "notes.txt").write_text("not a page")
    (tmp_path / "pages" / "sub" / "b.htm").write_text(article_page("Page B"))
    (tmp_path / "pages" / "sub" / "c.html.gz").write_bytes(gzip.compress(article_page("Page C").encode()))
    # As wget and browsers save pages: read by their content whatever their name.
    (tmp_path / "pages" / "sub" / "d.shtml").write_text(article_page("Page D"))
    (tmp_path / "pages" / "sub" / "e.php").write_text(article_page("Page E"))
    (tmp_path / "pages" / "sub" / "f").write_text(article_page("Page F"))

    result = clean(tmp_path / "single.html", tmp_path / "pages")

    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines() == [
        f"2 files in the folders skipped, not HTML (first: {tmp_path / 'pages' / 'a.json'})"
    ]
    articles = parse_lines(result.stdout)
    assert [a["title"] for a in articles] == ["Single page", *(f"Page {letter}" for letter in "ABCDEF")]
    assert all("harbour plan" in a["body"] for a in articles)
    for article in articles:
        jsonschema.validate(article, json_schema())


def test_standard_input_with_url() -> None:
    page = article_page("Read from a pipe").encode()
    result = clean("-", "--url", "https://www.example.com/news/pipe", stdin=page)
    assert result.returncode == 0, result.stderr
    [article] = parse_lines(result.stdout)
    assert article["title"] == "Read from a pipe"
    assert article["url"] == "https://www.example.com/news/pipe"
    assert article["site"] == "example.com"


def test_failed_pages_are_named_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "1-good.html").write_text(article_page("Good page"))
    (tmp_path / "2-empty.html").write_bytes(b"")
    (tmp_path / "3-corrupt.html.gz").write_bytes(gzip.compress(article_page("Lost").encode())[:40])
    (tmp_path / "4-good.html").write_text(article_page("Another good page"))

    result = clean(tmp_path)

    assert result.returncode == 1
    assert [a["title"] for a in parse_lines(result.stdout)] == ["Good page", "Another good page"]
    errors = result.stderr.decode().splitlines()
    assert errors[0] == f"{tmp_path / '2-empty.html'}: empty document"
    assert errors[1].startswith(f"{tmp_path / '3-corrupt.html.gz'}: ")
    assert errors[-1] == "2 of 4 pages failed"


def test_a_page_over_the_time_limit_fails_alone(tmp_path: Path) -> None:
    # 200,000 paragraphs take about 9 s to clean (several times that under load): far over the 4 s
    # limit; a normal page takes about 25 ms alone, and stays far under it on a loaded machine.
    paragraph = "<p>The council voted on the harbour plan after a debate of four hours.</p>"
    (tmp_path / "1-endless.html").write_text(
        f"<html><body><h1>Endless</h1>{paragraph * 200_000}</body></html>"
    )
    (tmp_path / "2-good.html").write_text(article_page("Good page"))

    result = clean(tmp_path, "--page-timeout", "4", "-j", "1")

    assert result.returncode == 1
    assert [a["title"] for a in parse_lines(result.stdout)] == ["Good page"]
    errors = result.stderr.decode().splitlines()
    assert errors == [
        f"{tmp_path / '1-endless.html'}: took longer than 4 s (the page time limit)",
        "1 of 2 pages failed",
    ]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["missing.html"],
        ["a.html", "b.html", "--url", "https://example.com/"],
        ["a.html", "--resume"],
        ["a.html", "-j", "0"],
        ["a.html", "-o", "no-such-folder/out.jsonl"],
    ],
    ids=[
        "no-inputs",
        "missing-path",
        "url-with-several-inputs",
        "resume-without-output",
        "no-workers",
        "no-folder",
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(article_page(name))
    result = clean(*(tmp_path / arg if arg.endswith(".html") else arg for arg in args))
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"usage:" in result.stderr


def test_output_file_is_replaced_whole_and_never_half_written(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(300):
        (pages / f"{n:03}.html").write_text(article_page(f"Story {n}", lead=f"Story {n} begins"))
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"an": "earlier result"}\n')

    held = tmp_path / "held.html"
    Fifo(held)  # never opened for writing: the run waits on it after the pages, and cannot finish
    run = start_clean(pages, held, "-o", out, "-j", "1")
    wait_for(lambda: line_count(tmp_path / "out.jsonl.part") >= 5)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    assert out.read_bytes() == b'{"an": "earlier result"}\n'  # the killed run did not touch it
    held.unlink()

    result = clean(pages, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    articles = parse_lines(out.read_bytes())
    assert [a["title"] for a in articles] == [f"Story {n}" for n in range(300)]
    sources = [json.loads(line) for line in (tmp_path / "out.jsonl.sources").read_text().splitlines()]
    assert sources == [str(pages / f"{n:03}.html") for n in range(300)]
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl", "out.jsonl.sources", "pages"]


def test_an_output_inside_an_input_folder_is_not_read_back(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(article_page("Only page"))
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    for _ in range(2):
        result = clean(tmp_path, "-o", out, "--errors", errors)
        assert result.returncode == 0, result.stderr
        assert [a["title"] for a in parse_lines(out.read_bytes())] == ["Only page"]


def test_explain_shows_each_removed_block_with_its_rule(tmp_path: Path) -> None:
    share = (
        "Share this story on Facebook, X, LinkedIn, WhatsApp, Telegram, Reddit, Pinterest and e-mail, "
        "or print it for the office wall"
    )
    page = article_page("Explained page").replace("</article>", f"</article><div class='share'>{share}</div>")
    path = tmp_path / "page.html"
    path.write_text(page)

    result = clean(path, "--url", "https://example.com/explained", "--explain")

    assert result.returncode == 0, result.stderr
    assert [a["title"] for a in parse_lines(result.stdout)] == ["Explained page"]
    # Rules padded to the longest; texts cut to 100 characters.
    assert result.stderr.decode().splitlines() == [
        f"{path}: cleaner generic 4, removed 4 blocks:",
        "  [selector nav]               Home News",
        "  [selector footer]            Copyright 2026 Example News",
        "  [boilerplate class/id share] Share this story on Facebook, X, LinkedIn, WhatsApp, Telegram, "
        "Reddit, Pinterest and e-mail, or pri…",
        "  [headline]                   Explained page",
    ]


def test_progress_line_only_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(article_page("Fine"))
    (tmp_path / "empty.html").write_bytes(b"")
    terminal, stderr = pty.openpty()
    command = [sys.executable, "-m", "scraper", "clean", str(tmp_path)]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=stderr, timeout=120, check=False)
    os.close(stderr)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once everything written to the terminal is read
        while chunk := os.read(terminal, 4096):
            shown += chunk
    os.close(terminal)

    assert result.returncode == 1
    assert b"\r\x1b[K2 records seen  2 kept  1 articles  " in shown
    assert b"records/s  1 errors" in shown
    assert clean(tmp_path).stderr.decode().splitlines() == [
        f"{tmp_path / 'empty.html'}: empty document",
        "1 of 2 pages failed",
    ]


def test_explain_lists_what_a_site_cleaner_dropped() -> None:
    page = SAMPLES / "theweek.com" / "ukraine-captures-north-korean-soldiers.html"
    result = clean(page, "--explain")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines[0] == f"{page}: cleaner theweek 2024, removed 4 blocks:"
    rules = [re.match(r"  \[(.+?)\] ", line)[1] for line in lines[1:]]
    assert rules == [
        "drop #utility-bar",
        "drop [id*=newsletter]",
        "drop [id*=newsletter]",
        "drop [class*=kiosq]",
    ]
    assert "Subscribe to The Week" in lines[-1]
