"""Files of a folder served on 127.0.0.1 as a dump's server serves them (Common Crawl's serves CC-NEWS),
for the tests of remote inputs, with the faults a download meets on the way.

    with FileServer(folder) as server:          # Range requests answered with 206
        server.cut["a.warc.gz"] = 5000          # the first response of a.warc.gz breaks off after 5000 bytes
        server.unavailable["b.warc.gz"] = 2     # its first two requests get a 503
        server.down_after["d.warc.gz"] = 1      # every request of d.warc.gz after the first gets a 503
        server.hold["c.warc.gz"] = 3000         # its first response stops after 3000 bytes until `release()`
        server.url("a.warc.gz")

`FileServer(folder, ranges=False)` ignores Range headers (the whole file, 200), as some servers do.
`requests` lists every request as (name, Range header or None)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit


class FileServer:
    def __init__(self, folder: Path, *, ranges: bool = True) -> None:
        self.folder = folder
        self.ranges = ranges
        self.cut: dict[str, int] = {}
        self.unavailable: dict[str, int] = {}
        self.down_after: dict[str, int] = {}
        self.hold: dict[str, int] = {}
        self.held = threading.Event()  # a response is held
        self.held_client: tuple[str, int] | None = None  # the address of the client whose response is held
        self.requests: list[tuple[str, str | None]] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.request_queue_size = 64
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def release(self) -> None:
        self._release.set()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _once(self, faults: dict[str, int], name: str) -> int | None:
        """The fault set for `name`, taken (it applies to one response)."""
        with self._lock:
            return faults.pop(name, None)

    def _refused(self, name: str) -> bool:
        """Whether this request of `name` gets a 503: one of its first `unavailable[name]`, or one after
        its first `down_after[name]`."""
        with self._lock:
            if name in self.down_after:
                return sum(request == name for request, _ in self.requests) > self.down_after[name]
            if self.unavailable.get(name):
                self.unavailable[name] -= 1
                return True
            return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                name = unquote(urlsplit(self.path).path).lstrip("/")
                wanted = self.headers.get("Range")
                with server._lock:
                    server.requests.append((name, wanted))
                path = server.folder / name
                if server._refused(name):
                    self._empty(503)
                    return
                if not path.is_file():
                    self._empty(404)
                    return
                data = path.read_bytes()
                start = int(wanted.removeprefix("bytes=").split("-")[0]) if wanted and server.ranges else 0
                if start >= len(data) and start:
                    self._empty(416)
                    return
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("ETag", f'"{len(data)}"')
                self.send_header("Accept-Ranges", "bytes" if server.ranges else "none")
                self.end_headers()
                body = data[start:]
                if (cut := server._once(server.cut, name)) is not None:
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)  # the download breaks off
                    self.close_connection = True
                    return
                if (hold := server._once(server.hold, name)) is not None:
                    self.wfile.write(body[:hold])
                    self.wfile.flush()
                    server.held_client = self.client_address
                    server.held.set()
                    server._release.wait()
                    body = body[hold:]
                try:
                    self.wfile.write(body)
                except OSError:  # the client went away (killed while its response was held)
                    self.close_connection = True

            def _empty(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
