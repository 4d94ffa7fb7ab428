"""A real PostgreSQL server on 127.0.0.1 for the tests: a cluster made by `initdb` in a temporary folder,
`postgres` started on a free port, stopped and removed afterwards.

Debian's server refuses to run as root: as root (CI), both run as the `postgres` user (which Debian's
package creates), in a folder that user owns. The binaries are found on PATH or in Debian's
/usr/lib/postgresql/<version>/bin. Where there are none, the tests that need the server skip, and fail
instead under CI (`.ci/run` installs the `postgresql` package)."""

from __future__ import annotations

import getpass
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support.redis_server import free_port

_names = count(1)


def binaries() -> Path | None:
    """The folder of `initdb` and `postgres`, newest version first."""
    if found := shutil.which("initdb"):
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(f.split("/")[-2]))
    return Path(folders[-1]) if folders else None


def need_postgres() -> Path:
    """The binaries; a test without them skips, or fails under CI."""
    folder = binaries()
    if folder is None:
        reason = "PostgreSQL is not installed (initdb not on PATH nor in /usr/lib/postgresql/*/bin)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must test the PostgreSQL sink")
        pytest.skip(reason)
    return folder


class PostgresServer:
    def __init__(self, bin_dir: Path, directory: Path) -> None:
        self.bin, self.directory = bin_dir, directory
        self.data = directory / "data"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        as_root = os.geteuid() == 0
        # Popen's user and group: the server's processes, signalled directly (no runuser between)
        self._as: dict[str, Any] = {"user": "postgres", "group": "postgres", "extra_groups": []}
        if not as_root:
            self._as = {}
        self.user = "postgres" if as_root else getpass.getuser()

    def init(self) -> None:
        if self._as:
            shutil.chown(self.directory, "postgres", "postgres")
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user]
        command += ["--auth=trust", "--encoding=UTF8", "--no-sync"]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory, **self._as)

    def start(self) -> None:
        """On a free port. `postgres` cannot be told to pick one and say which, and another process may
        take a free port first: then it exits (address in use) and another port is tried."""
        for _ in range(10):
            self.port = free_port()
            if self._started():
                return
        raise RuntimeError(f"postgres did not start (see {self.directory / 'postgres.log'})")

    def _started(self) -> bool:
        options = ["-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.directory)]
        options += ["-c", "fsync=off", "-c", "full_page_writes=off"]  # a throwaway cluster
        with open(self.directory / "postgres.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin / "postgres"), "-D", str(self.data), *options],
                stdout=log,
                stderr=log,
                cwd=self.directory,
                **self._as,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                if self.process.poll() is not None:
                    return False
                time.sleep(0.1)
        return False

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of an empty database of its own (one per test keeps tests apart)."""
        name = f"test_{next(_names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # a fast shutdown: ends the sessions left
            self.process.wait(timeout=30)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    bin_dir = need_postgres()
    directory = Path(tempfile.mkdtemp(prefix="newsclean-pg-"))
    server = PostgresServer(bin_dir, directory)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
