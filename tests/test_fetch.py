"""`scraper fetch` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest

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
    proc = subprocess.run(
        [sys.executable, "-m", "scraper", "fetch", good, missing],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "nowhere.html" in proc.stderr.decode() and "404" in proc.stderr.decode()
    [line] = proc.stdout.splitlines()
    article = orjson.loads(line)
    expected = orjson.loads((SAMPLES / "devdiscourse.com/putin-thanks-kim-kursk.json").read_bytes())
    # Served from 127.0.0.1, the page still gets its site's cleaner through its canonical URL.
    assert article["url"] == good
    assert {k: v for k, v in article.items() if k != "url"} == {
        k: v for k, v in expected.items() if k != "url"
    }
