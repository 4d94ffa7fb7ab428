"""`scraper fetch` against a real HTTP server on 127.0.0.1; `scraper --version` and every command's
`--help`."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path

import orjson
import pytest

from scraper.cli import COMMANDS
from tests.support.samples import ROOT, SAMPLES


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(SAMPLES)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_cleans_pages_and_reports_failures(server: str) -> None:
    good = f"{server}/devdiscourse.com/putin-thanks-kim-kursk.html"
    missing = f"{server}/nowhere.html"
    proc = fetch(good, missing)
    assert proc.returncode == 1
    assert "nowhere.html" in proc.stderr.decode() and "404" in proc.stderr.decode()
    [line] = proc.stdout.splitlines()
    article = orjson.loads(line)
    expected = orjson.loads((SAMPLES / "devdiscourse.com/putin-thanks-kim-kursk.json").read_bytes())
    # Served from 127.0.0.1, the page still gets its site's cleaner through its canonical URL.
    assert article["url"] == good
    assert datetime.fromisoformat(article["fetched_at"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert {k: v for k, v in article.items() if k not in ("url", "fetched_at")} == {
        k: v for k, v in expected.items() if k not in ("url", "fetched_at")
    }


def test_fetch_writes_to_a_file_and_leaves_out_pages_that_are_no_article(server: str, tmp_path: Path) -> None:
    good = f"{server}/devdiscourse.com/putin-thanks-kim-kursk.html"
    front = f"{server}/lakesidecourier.com/world-section.html"
    out = tmp_path / "fetched.jsonl"
    proc = fetch(good, front, "-o", str(out))

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [f"scraper fetch: {front}: not an article, left out"]
    assert [orjson.loads(line)["url"] for line in out.read_bytes().splitlines()] == [good]
    sources = (tmp_path / "fetched.jsonl.sources").read_bytes().splitlines()
    assert [orjson.loads(line) for line in sources] == [good]
    assert not list(tmp_path.glob("*.part"))


def test_fetch_without_the_folder_of_its_output_is_a_usage_error(server: str, tmp_path: Path) -> None:
    out = tmp_path / "no" / "x.jsonl"
    proc = fetch(f"{server}/devdiscourse.com/putin-thanks-kim-kursk.html", "-o", str(out))
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines()[-1] == f"scraper fetch: error: no folder for {out}"


def test_version_and_every_command_has_a_description() -> None:
    proc = subprocess.run([sys.executable, "-m", "scraper", "--version"], capture_output=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.decode() == f"scraper {version('newsclean')}\n"
    assert version("newsclean")[0].isdigit()
    for command in COMMANDS:
        proc = subprocess.run(
            [sys.executable, "-m", "scraper", command, "--help"], capture_output=True, check=False
        )
        usage, description = proc.stdout.decode().split("\n\n")[:2]
        assert proc.returncode == 0 and usage.startswith(f"usage: scraper {command}")
        assert len(description.split()) > 10, (command, description)


def fetch(*args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "scraper", "fetch", *args]
    return subprocess.run(command, capture_output=True, cwd=ROOT, timeout=60, check=False)
