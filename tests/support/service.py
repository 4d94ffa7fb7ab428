"""Running `scraper serve` as users run it: real uvicorn on 127.0.0.1, on a port it binds itself (port 0,
read back from its ready line), stopped with SIGTERM as a service manager stops it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.commands import children
from tests.support.samples import ROOT
from tests.support.waiting import wait_for

READY = re.compile(r"^scraper serve: listening on (http://\S+)$", re.MULTILINE)


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:PORT
    log: Path  # its standard error

    def __call__(self, path: str) -> str:
        return self.url + path

    def rss(self) -> int:
        """Resident memory of the service and its workers, in bytes."""
        return sum(_rss(pid) for pid in (self.process.pid, *children(self.process.pid)))

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def healthy(self) -> bool:
        """Still running, and answering."""
        return self.process.poll() is None and httpx.get(self("/healthz"), timeout=10).status_code == 200


def error_kind(response: httpx.Response) -> str:
    """The kind of a JSON error answer, checking its shape: `{"error": KIND, "detail": MESSAGE}`."""
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"} and body["detail"], body
    return body["error"]


@contextmanager
def serve(workdir: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Service]:
    """`scraper serve --port 0 ARGS`, until the block ends."""
    log = workdir / f"serve-{len(list(workdir.glob('serve-*.log')))}.log"
    command = [sys.executable, "-m", "scraper", "serve", "--port", "0", *args]
    with open(log, "wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    try:
        wait_for(lambda: bool(READY.search(log.read_text())) or process.poll() is not None)
        ready = READY.search(log.read_text())
        assert ready, f"scraper serve did not start: {log.read_text()[-3000:]}"
        yield Service(process, ready.group(1), log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[Any]) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) * 1024
