"""Benchmark `scraper clean --ray` against `scraper clean -j 2` on the 20,000-page dump corpus, side by
side in one run, and the site filter: records/s on WARC files where 1% of the records match, against
cleaning them all.

    .venv/bin/python -m benchmarks.bench_ray [--pages 20000] [--filter-pages 10000] [--repeat 2]

Needs root and Ray (`pip install -e '.[ray]'`): it runs itself again inside a private network and pid
namespace (tests/support/isolation.py), where a Ray cluster of two nodes of one CPU each (2 CPUs, as
-j 2) runs on 127.0.0.1. Runs of the compared commands alternate, so that the load of a shared machine
falls on each alike. The cluster starts before the clocks run (once, about 10 s); each --ray run pays
the driver's connection to it and its tasks' start. The corpus is `tests/support/corpus.py`'s.

Beside each run's wall-clock time, its CPU time: that of every process of the namespace (the run's, its
workers', Ray's daemons'), polled from /proc during the run (`CpuMeter`). On a machine that others
load, the wall clock favours the command with more processes (the scheduler shares the cores per
process); CPU time does not."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.corpus import build_corpus, sample_url
from tests.support.isolation import isolated_command, loopback_up
from tests.support.ray_cluster import RayCluster

INSIDE = "--in-namespace"
MATCHING = "example.net"  # the site of 1% of the filter corpus's records


def filter_url(site: str, number: int) -> str:
    """One record in a hundred on the filtered site, the others on the samples' sites."""
    return f"https://news.{MATCHING}/bench/{number}" if number % 100 == 0 else sample_url(site, number)


class CpuMeter:
    """The CPU time that the processes of the namespace (but this one) spend while it runs, read from
    /proc every `POLL` seconds. Polled, not read once at each end: Ray's raylet ends a job's workers when
    the job ends and reaps them unaccounted (their time never reaches its children's time), so a reading
    at the end alone would miss what --ray's workers did. A process that exits loses at most its last
    `POLL` seconds; parents' children's time is not counted, so nothing counts twice."""

    POLL = 0.1

    def __init__(self) -> None:
        self._first: dict[tuple[int, int], int] = {}  # (pid, start time) -> ticks when first seen
        self._last: dict[tuple[int, int], int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> CpuMeter:
        self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    @property
    def seconds(self) -> float:
        ticks = sum(last - self._first.get(process, 0) for process, last in self._last.items())
        return ticks / os.sysconf("SC_CLK_TCK")

    def _poll(self) -> None:
        while not self._stop.wait(self.POLL):
            self._read()

    def _read(self) -> None:
        """utime + stime of each process (/proc/PID/stat fields 14-15), keyed by pid and start time
        (field 22) so that a reused pid is another process."""
        first = not self._last
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                process, ticks = (int(entry.name), int(fields[19])), int(fields[11]) + int(fields[12])
                if first:
                    self._first[process] = ticks
                self._last[process] = ticks


def clean(args: list[str], out: Path) -> tuple[float, float, int, int]:
    """Seconds, CPU seconds, records seen and pages cleaned of one `scraper clean` run writing to
    `out`."""
    if out.is_dir():
        shutil.rmtree(out)
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scraper", "clean", *args]
    started = time.monotonic()
    with CpuMeter() as meter:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds, cpu = time.monotonic() - started, meter.seconds
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    if out.is_dir():
        entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
        return seconds, cpu, sum(e["records"] for e in entries), sum(e["kept"] for e in entries)
    pages = out.read_bytes().count(b"\n")
    seen = next((line for line in done.stderr.splitlines() if line.startswith("records seen ")), "")
    records = int(seen.split()[2].rstrip(",").replace(",", "")) if seen else pages
    return seconds, cpu, records, pages


def size_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.iterdir()) / 2**20


def compare(label: str, runs: dict[str, list[str]], out: Path, repeat: int, megabytes: float) -> list[Median]:
    """Each command `repeat` times, alternating; a row per run, then the medians of each."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    counts: dict[str, tuple[int, int]] = {}
    print(f"\n{label}")
    print(
        f"{'run':<56} {'records':>8} {'cleaned':>8} {'seconds':>8} {'CPU s':>7} {'records/s':>10} {'MB/s':>6}"
    )
    for round_ in range(1, repeat + 1):
        for name, args in runs.items():
            target = out / "shards" if args[-1] == "FOLDER" else out / "out.jsonl"
            args = [*args[:-1], f"{target}/" if args[-1] == "FOLDER" else str(target)]
            seconds, cpu, records, pages = clean(args, target)
            times[name].append((seconds, cpu))
            counts[name] = (records, pages)
            print(
                f"{f'{name} (round {round_})':<56} {records:>8,} {pages:>8,} {seconds:>8.1f} {cpu:>7.1f} "
                f"{records / seconds:>10,.0f} {megabytes / seconds:>6.1f}"
            )
    return [
        Median(
            statistics.median(s for s, _ in values), statistics.median(c for _, c in values), *counts[name]
        )
        for name, values in times.items()
    ]


@dataclass(frozen=True)
class Median:
    seconds: float
    cpu: float
    records: int
    cleaned: int


def overhead(ray: float, reference: float) -> str:
    return f"{100 * (ray / reference - 1):+.1f}%"


def benchmark(args: argparse.Namespace) -> None:
    loopback_up()
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        corpus, filtered, out = Path(tmp, "corpus"), Path(tmp, "filtered"), Path(tmp, "out")
        for folder in (corpus, filtered, out):
            folder.mkdir()
        started = time.monotonic()
        build_corpus(corpus, args.pages)
        build_corpus(filtered, args.filter_pages, filter_url)
        print(
            f"corpus: {args.pages:,} pages in {size_mb(corpus):.0f} MB of .warc.gz "
            f"({len(os.listdir(corpus))} files); filter corpus: {args.filter_pages:,} pages in "
            f"{size_mb(filtered):.0f} MB, 1% on {MATCHING}; built in {time.monotonic() - started:.0f} s"
        )
        with RayCluster(cpus=1, nodes=2) as cluster:
            print(f"Ray cluster: 2 nodes of 1 CPU on 127.0.0.1, started in {cluster.started_in:.1f} s")
            c = str(corpus)
            medians = compare(
                "--ray with 2 CPUs against -j 2, the same corpus",
                {
                    "scraper clean -j 2 -o FILE": [c, "-j", "2", "-o", "FILE"],
                    "scraper clean -j 2 -o FOLDER/ (shards, no Ray)": [c, "-j", "2", "-o", "FOLDER"],
                    "scraper clean --ray (2 CPUs) -o FOLDER/": [c, "--ray", cluster.address, "-o", "FOLDER"],
                },
                out,
                args.repeat,
                size_mb(corpus),
            )
        local, sharded, ray = medians
        print(
            f"medians: -j 2 {local.seconds:.1f} s ({local.cpu:.1f} CPU s), shards without Ray "
            f"{sharded.seconds:.1f} s ({sharded.cpu:.1f}), --ray {ray.seconds:.1f} s ({ray.cpu:.1f})\n"
            f"Ray's overhead against -j 2 (target: under 15%): {overhead(ray.seconds, local.seconds)} in "
            f"time, {overhead(ray.cpu, local.cpu)} in CPU; against the same shards without Ray: "
            f"{overhead(ray.seconds, sharded.seconds)} in time, {overhead(ray.cpu, sharded.cpu)} in CPU"
        )
        f = str(filtered)
        medians = compare(
            f"the site filter: 1% of the records on {MATCHING}, against cleaning all of them",
            {
                "scraper clean -j 2 -o FOLDER/ (all records)": [f, "-j", "2", "-o", "FOLDER"],
                f"scraper clean -j 2 -o FOLDER/ --site {MATCHING}": [
                    f,
                    "-j",
                    "2",
                    "--site",
                    MATCHING,
                    "-o",
                    "FOLDER",
                ],
                f"scraper clean -j 2 -o FILE --site {MATCHING}": [
                    f,
                    "-j",
                    "2",
                    "--site",
                    MATCHING,
                    "-o",
                    "FILE",
                ],
            },
            out,
            args.repeat,
            size_mb(filtered),
        )
        every, kept, one_reader = medians
        records, megabytes = every.records, size_mb(filtered)
        print(
            f"medians: cleaning all, {records / every.seconds:,.0f} records/s; through the filter, "
            f"{records / kept.seconds:,.0f} records/s with a reader per input, "
            f"{records / one_reader.seconds:,.0f} with one reader (-o FILE)\n"
            f"per CPU second: cleaning all, {records / every.cpu:,.0f} records and "
            f"{megabytes / every.cpu:.2f} MB; through the filter, {records / kept.cpu:,.0f} records and "
            f"{megabytes / kept.cpu:.1f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--filter-pages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(INSIDE, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if getattr(args, INSIDE.strip("-").replace("-", "_")):
        benchmark(args)
        return
    command, environment = isolated_command("benchmarks.bench_ray", *sys.argv[1:], INSIDE)
    os.execvpe(command[0], command, environment)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as each run ends
    main()
