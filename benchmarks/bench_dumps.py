"""Benchmark `scraper clean` over WARC dumps: pages/s at -j 1 and -j 2, and peak memory at two corpus
sizes (it must not grow with the corpus), beside plain `trafilatura.extract` in one process.

    .venv/bin/python -m benchmarks.bench_dumps [--pages 20000] [--small 5000] [--trafilatura 1000]

The corpus is generated in a temporary folder from `samples/**/*.html` (`tests/support/corpus.py`): each
page is a variant of a sample with its title and prose changed (words replaced and reordered), written
to .warc.gz files of 1,000 records with the sample's site as the URL."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura
from warcio.archiveiterator import ArchiveIterator

from tests.support.corpus import PAGES_PER_WARC, build_corpus


def process_tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the workers), from /proc."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    total += int(re.search(r"VmRSS:\s+(\d+)", status)[1]) if "VmRSS" in status else 0
    return total + sum(process_tree_rss_kb(int(child)) for child in children)


def run_clean(folder: Path, jobs: int, out: Path) -> tuple[int, float, int]:
    """Pages cleaned, seconds, and the peak RSS of the whole process tree in MB (sampled)."""
    command = [sys.executable, "-m", "scraper", "clean", str(folder), "-o", str(out), "-j", str(jobs)]
    started = time.monotonic()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, process_tree_rss_kb(process.pid))
        time.sleep(0.1)
    seconds = time.monotonic() - started
    return out.read_bytes().count(b"\n"), seconds, peak // 1024


def trafilatura_rate(folder: Path, sample: int) -> tuple[int, float]:
    pages = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and len(pages) < sample:
                    pages.append(record.content_stream().read())
    started = time.monotonic()
    for page in pages:
        trafilatura.extract(page)
    return len(pages), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--trafilatura", type=int, default=1_000, help="pages for the trafilatura sample")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dumps-") as tmp:
        big, small = Path(tmp, "big"), Path(tmp, "small")
        big.mkdir()
        small.mkdir()
        started = time.monotonic()
        build_corpus(big, args.pages)
        for dump in sorted(big.glob("*.warc.gz"))[: args.small // PAGES_PER_WARC]:
            (small / dump.name).hardlink_to(dump)
        size = sum(p.stat().st_size for p in big.iterdir()) / 2**20
        built = time.monotonic() - started
        print(f"corpus: {args.pages:,} pages in {size:.0f} MB of .warc.gz, built in {built:.0f} s")
        print(f"{'run':<38} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'peak RSS (tree)':>16}")
        for folder, jobs in ((small, 1), (small, 2), (big, 2)):
            pages, seconds, peak = run_clean(folder, jobs, Path(tmp, "out.jsonl"))
            label = f"scraper clean -j {jobs} ({pages:,}-page corpus)"
            print(f"{label:<38} {pages:>7,} {seconds:>8.1f} {pages / seconds:>8.1f} {peak:>13,} MB")
        pages, seconds = trafilatura_rate(big, args.trafilatura)
        label = "trafilatura.extract, one process"
        print(f"{label:<38} {pages:>7,} {seconds:>8.1f} {pages / seconds:>8.1f} {'':>16}")
        print(f"(trafilatura ran over the first {pages:,} pages of the corpus only, to keep the run short)")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as each run ends
    main()
