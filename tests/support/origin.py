"""A web server on 127.0.0.1 for the service's fetch-by-URL tests: an article, redirects, and the
responses a fetcher must survive: a 2 GB response (announced, or endless and unannounced), a gzip bomb,
a trickle. It counts the requests and the bytes it sent on each path, so a test can tell that a refused
address was never contacted and that a response was cut off early. Every response is bounded: a
streamed one stops at 2 GB or when the client hangs up."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support.pages import article_page

TWO_GB = 2 * 1024**3
CHUNK = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
BOMB_BYTES = 64 * 1024 * 1024  # what the gzip bomb inflates to; it weighs about 64 kB


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b" " * BOMB_BYTES, compresslevel=9)


class Origin(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: Counter[str] = Counter()  # by path
        self.sent: Counter[str] = Counter()  # body bytes, by path
        self.finished: Counter[str] = Counter()  # streamed responses ended (done, or the client hung up)
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def count(self, path: str, sent: int) -> None:
        with self.lock:
            self.sent[path] += sent


class _Handler(BaseHTTPRequestHandler):
    server: Origin

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        with self.server.lock:
            self.server.requests[url.path] += 1
        if url.path == "/article":
            self._send(200, article_page("Harbour plan approved").encode(), "text/html; charset=utf-8")
        elif url.path == "/redirect":  # /redirect?to=URL
            self.send_response(302)
            self.send_header("Location", parse_qs(url.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/missing":
            self._send(404, b"not here", "text/plain")
        elif url.path in ("/huge", "/endless"):  # 2 GB, announced or not
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if url.path == "/huge":
                self.send_header("Content-Length", str(TWO_GB))
            self.end_headers()
            self._stream(url.path, TWO_GB)
        elif url.path == "/bomb":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(gzip_bomb())))
            self.end_headers()
            self.wfile.write(gzip_bomb())
        elif url.path == "/trickle":  # a byte every 0.2 s, for a minute at most
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(300):
                if not self._write(url.path, b"<"):
                    break
                time.sleep(0.2)
        else:
            self._send(404, b"no such page", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, path: str, total: int) -> None:
        sent = 0
        while sent < total and self._write(path, CHUNK):
            sent += len(CHUNK)
        with self.server.lock:
            self.server.finished[path] += 1

    def _write(self, path: str, data: bytes) -> bool:
        """Write and count; False once the client has hung up."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        self.server.count(path, len(data))
        return True


@contextmanager
def origin() -> Iterator[Origin]:
    server = Origin()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
