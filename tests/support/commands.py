"""Running `scraper` in a subprocess, as users run it, and finding the processes it starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.fifo import Fifo
from tests.support.news_site import DOWNLOAD_TIMEOUT, NewsSite
from tests.support.samples import ROOT

# Crawl settings quicker than the defaults, which are for real sites: no 1 s AutoThrottle start, short
# backoff, a short download timeout.
FAST = [
    *("-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_BACKOFF_BASE=0.1"),
    *("-s", f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT}"),
]
# For a crawl held at the gate of `tests/support/fault_site.py`: requests wait for the release, not a
# timeout.
HELD = ["-s", "DOWNLOAD_TIMEOUT=3600"]


def scraper(*args: str, cwd: Path = ROOT, **popen: Any) -> subprocess.Popen[bytes]:
    """Start `python -m scraper ARGS`."""
    return subprocess.Popen([sys.executable, "-m", "scraper", *args], cwd=cwd, **popen)


def clean(
    *args: object, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m scraper clean ARGS` to completion."""
    command = [sys.executable, "-m", "scraper", "clean", *map(str, args)]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=timeout, check=False)


def start_clean(*args: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "scraper", "clean", *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def clean_from(fifo: Fifo, data: bytes, *args: object) -> tuple[int, str]:
    """Run `scraper clean ARGS` to completion, its input the named pipe fed `data` whole (a resume after a
    kill): (exit status, standard error)."""
    run = start_clean(*args)
    fifo.open()
    fifo.write(data)
    fifo.close()
    stderr = run.communicate(timeout=120)[1].decode()
    return run.returncode, stderr


def crawl_args(site: NewsSite) -> list[str]:
    """`scraper crawl` arguments for the whole site: its sitemap index, feeds and section front."""
    starts = ["/sitemap_index.xml"] + (["/feed.rss", "/atom.xml", "/section/world"] if site.traps else [])
    patterns = ["--article", "^/news/", "--article", "^/private/", "--follow", "^/section/"]
    return [site.url(s) for s in starts] + patterns


def scraper_crawl(site: NewsSite, workdir: Path, output: Path, *extra: str) -> dict[str, Any]:
    """Run `scraper crawl` over the site in a subprocess; returns the crawl summary."""
    summary = workdir / "summary.json"
    command = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "-o", str(output)]
    command += [*FAST, "-s", f"CRAWL_SUMMARY={summary}", *extra]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: finished, with some pages failing
    return json.loads(summary.read_text("utf-8"))


def children(pid: int) -> list[int]:
    """The child processes of a process."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def workers_of(pid: int) -> list[int]:
    """The worker processes of a `scraper clean` (forked: same command line as their parent)."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    return [child for child in children(pid) if Path(f"/proc/{child}/cmdline").read_bytes() == command]
