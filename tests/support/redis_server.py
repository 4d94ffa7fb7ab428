"""A real `redis-server` on 127.0.0.1 for the tests: a free port, a temp dir, stopped afterwards."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def free_port() -> int:
    """A port that was free a moment ago (nothing listens there unless someone took it since)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One redis-server process. Persistent (the default): an append-only file synced on every write,
    so `restart` keeps the data; else no persistence at all, and a restart starts empty."""

    def __init__(self, directory: Path, *, persistent: bool = True) -> None:
        self.directory = directory
        self.persistent = persistent
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start on a free port. redis-server cannot bind port 0 and tell which it got, and another
        process may take a free port first: then it exits ("Address already in use") and another is tried."""
        for _ in range(10):
            self.port = free_port()
            if self._started():
                return
        raise RuntimeError(f"redis-server did not start (see {self.directory / 'redis.log'})")

    def _started(self) -> bool:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else []
        log = ["--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
             *log, "--save", "", "--appendonly", "no", *persistence],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        with self.client() as client:
            while time.monotonic() < deadline:
                try:
                    return bool(client.ping())
                except redis.ConnectionError:
                    if self.process.poll() is not None:
                        return False
                    time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        if not self._started():
            raise RuntimeError(f"redis-server did not restart on port {self.port}")

    def client(self, db: int = 0) -> redis.Redis:
        """A client; close it (it is a context manager)."""
        return redis.Redis.from_url(self.db(db))

    def db(self, number: int) -> str:
        """The URL of one of the server's databases: one per test keeps tests apart."""
        return f"redis://127.0.0.1:{self.port}/{number}"


@contextmanager
def running_redis(directory: Path, *, persistent: bool = True) -> Iterator[RedisServer]:
    directory.mkdir(parents=True, exist_ok=True)
    server = RedisServer(directory, persistent=persistent)
    server.start()
    try:
        yield server
    finally:
        server.stop()
