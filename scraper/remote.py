"""Files on HTTP(S) servers (CC-NEWS's WARC files, listings), read as they stream: never held whole in
memory or on disk.

`RemoteFile(url)` is a read-only, seekable binary file over one streamed GET, so the WARC reader treats
it as a local file. A download that breaks (connection reset, timeout, a 5xx or 429) is retried with
backoff and picks up at the byte where it stopped: with an HTTP Range request where the server supports
them, else by reading the file again from the start and skipping what was read. The reader sees one
unbroken byte stream, so no record is read twice. A file that changes on the server between two requests
(another size or ETag) fails, as does one that fails more times in a row than the retries allow:
`RemoteError`, with the reason."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from scraper.identity import USER_AGENT

CHUNK_BYTES = 256 * 1024  # what `read()` takes at a time when it reads to the end
SKIP_AHEAD = 4 * 1024 * 1024  # a seek forward this short reads on, instead of a new request
_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_BACKOFF = 60.0


class RemoteError(Exception):
    """A remote file could not be read, for good (after its retries). Not an `OSError`: the WARC
    reader resumes after a bad region of a file, but a file that failed for good has no next region."""


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def url_path(url: str) -> str:
    """The path of a URL, for telling a file's kind by its name (`.warc.gz`)."""
    return urlsplit(url).path


@dataclass(frozen=True, slots=True)
class Retry:
    """How often a download is tried again after it breaks, and how long to wait first: `backoff`
    seconds, doubled for each failure in a row (up to a minute)."""

    retries: int = 5
    backoff: float = 1.0

    def wait(self, failures: int) -> float:
        return min(self.backoff * 2 ** (failures - 1), _MAX_BACKOFF)


DEFAULT_RETRY = Retry()


def _client() -> httpx.Client:
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}  # the bytes as stored
    timeout = httpx.Timeout(30.0, read=60.0)
    return httpx.Client(headers=headers, timeout=timeout, follow_redirects=True)


class _Transient(Exception):
    """A request failed in a way worth trying again (a broken connection, a 5xx, a 429)."""


class RemoteFile(io.RawIOBase):
    """The file at `url`, read as it streams from byte `start`; see the module docstring. Opening it
    makes the first request, so a missing file raises `RemoteError` at once."""

    def __init__(self, url: str, retry: Retry = DEFAULT_RETRY, start: int = 0) -> None:
        super().__init__()
        self.url = url
        self.size: int | None = None  # from Content-Length or Content-Range, when the server says
        self._retry = retry
        self._client = _client()
        self._response: httpx.Response | None = None
        self._chunks: Iterator[bytes] | None = None
        self._etag: str | None = None
        self._ranges = True  # until the server ignores a Range request
        self._position = start  # where the reader is
        self._next = 0  # the offset of the next byte the response gives
        self._buffer, self._buffer_at = b"", 0  # the last chunk read, and its offset (for short seeks back)
        self._failures = 0  # in a row, since bytes last came
        self._open(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence == io.SEEK_END:
            if self.size is None:
                raise OSError(f"{self.url}: the server did not say the file's size")
            offset += self.size
        self._position = max(offset, 0)
        return self._position

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all the rest when negative): fewer only at the end of the file."""
        data = bytearray()
        while size < 0 or len(data) < size:
            piece = self._take(CHUNK_BYTES if size < 0 else size - len(data))
            if not piece:
                break
            data += piece
        return bytes(data)

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        piece = self._take(len(target))
        target[: len(piece)] = piece
        return len(piece)

    def _take(self, limit: int) -> bytes:
        """Up to `limit` bytes from the position on (empty at the end of the file)."""
        while True:
            start = self._position - self._buffer_at
            if 0 <= start < len(self._buffer):
                piece = self._buffer[start : start + limit]
                self._position += len(piece)
                return piece
            if self.size is not None and self._position >= self.size:
                return b""
            if self._chunks is None or not self._next <= self._position <= self._next + SKIP_AHEAD:
                self._open(self._position)  # a seek back, or far ahead
            chunk = self._pull()
            if not chunk:
                return b""
            self._buffer, self._buffer_at = chunk, self._next - len(chunk)

    def close(self) -> None:
        self._drop()
        self._client.close()
        super().close()

    def _pull(self) -> bytes:
        """The next chunk of the file (empty at its end), reopening the download where it broke as
        often as the retries allow."""
        while True:
            if self._chunks is None:
                self._open(self._next)
            assert self._chunks is not None
            try:
                chunk = next(self._chunks, b"")
                if not chunk and self.size is not None and self._next < self.size:
                    raise _Transient(f"the server ended the file at byte {self._next} of {self.size}")
            except (httpx.HTTPError, _Transient) as error:
                self._drop()
                self._failed(_describe(error))
                continue
            self._next += len(chunk)
            self._failures = 0
            return chunk

    def _failed(self, reason: str) -> None:
        """Count a failure in a row; wait before the next try, or raise when out of retries."""
        self._failures += 1
        if self._failures > self._retry.retries:
            raise RemoteError(f"{reason} (tried {self._failures} times)")
        time.sleep(self._retry.wait(self._failures))

    def _open(self, start: int) -> None:
        """The download from byte `start`, tried again after transient failures."""
        while True:
            try:
                self._request(start)
                return
            except (httpx.HTTPError, _Transient) as error:
                self._drop()
                self._failed(_describe(error))

    def _request(self, start: int) -> None:
        """A GET of the file from byte `start`: a Range request, or the whole file with the bytes
        before `start` skipped when the server ignores ranges."""
        self._drop()
        headers = {"Range": f"bytes={start}-"} if start and self._ranges else {}
        request = self._client.build_request("GET", self.url, headers=headers)
        self._response = response = self._client.send(request, stream=True)
        if response.status_code in _TRANSIENT:
            raise _Transient(f"HTTP {response.status_code}")
        if response.status_code == 416 and self.size is None:  # past the end of a file of unknown size
            self._chunks, self._next = iter(()), start
            return
        if response.status_code not in (200, 206):
            self._drop()
            raise RemoteError(f"HTTP {response.status_code}")
        self._check_same_file(response)
        self._chunks = response.iter_raw()  # as the bytes arrive: a break loses none that came
        self._next = start if response.status_code == 206 else 0
        if response.status_code == 200 and start:
            self._ranges = False
            while self._next < start:  # skip what was read before
                chunk = next(self._chunks, b"")
                if not chunk:
                    raise _Transient(f"the server ended the file at byte {self._next}, before {start}")
                self._next += len(chunk)
            if self._next > start:  # the last chunk skipped holds the first bytes wanted
                self._buffer, self._buffer_at = chunk, self._next - len(chunk)

    def _check_same_file(self, response: httpx.Response) -> None:
        """The size and ETag of this response are those of the first: the bytes still fit together."""
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        length = response.headers.get("Content-Length", "") if response.status_code == 200 else ""
        size = int(total) if total.isdigit() else int(length) if length.isdigit() else None
        etag = response.headers.get("ETag")
        if (self.size is not None and size is not None and size != self.size) or (
            self._etag and etag and etag != self._etag
        ):
            self._drop()
            raise RemoteError("the file changed on the server while it was read")
        self.size, self._etag = self.size if size is None else size, self._etag or etag

    def _drop(self) -> None:
        if self._response is not None:
            self._response.close()
        self._response = self._chunks = None


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPError):
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return str(error)


def remote_size(url: str, retry: Retry = DEFAULT_RETRY) -> int | None:
    """The size of the file at `url`, as its server says (None when it does not)."""
    with RemoteFile(url, retry) as file:
        return file.size
