"""Benchmark `scraper serve`: requests/s and p50/p99 latency of `POST /v1/extract` with 1, 8 and 64
concurrent clients, beside `scraper.extract` called in a loop in one process (the same pages, in the same
run, interleaved: a loop pass before each service pass), then the service's memory over 20,000 requests.

    .venv/bin/python -m benchmarks.bench_service [--requests 20000] [--rounds 2] [--limit N] [-j N]

The pages are the benchmark datasets of ../shared/bench/data (each `pages/<id>.html.gz`, decoded, with
its URL from `truth.jsonl`). The service runs as users run it (`scraper serve --port 0`, real uvicorn,
one worker per core by default), on the same machine as the client (httpx, in this process): the client's
CPU is taken from the workers. A pass sends every page once. Each answer is compared with the article
`extract` gave for the same page in the loop pass: they must be the same bytes.

Memory: the resident memory of the service process and its workers (from /proc), sampled every 1,000
requests over `--requests` requests at 8 clients; flat means no growth trend after the first samples
(warm-up): the first, last and largest samples are printed."""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from scraper import ExtractError, extract
from tests.support.samples import SHARED
from tests.support.service import Service, serve

CLIENTS = (1, 8, 64)
SAMPLE_EVERY = 1000  # requests between memory samples


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str | None
    html: bytes

    @property
    def params(self) -> dict[str, str]:
        return {"url": self.url} if self.url else {}


@dataclass
class Pass:
    """One pass over the pages: throughput, latencies, failures."""

    seconds: float
    latencies: list[float]
    failed: int

    def row(self, label: str) -> str:
        ordered = sorted(self.latencies)
        p50, p99 = (ordered[int(q * (len(ordered) - 1))] * 1000 for q in (0.5, 0.99))
        rate = len(self.latencies) / self.seconds
        return f"{label:<32} {rate:>10.1f} {p50:>9.1f} {p99:>9.1f} {self.failed:>8}"


def load_pages(data: Path, limit: int | None) -> list[Page]:
    pages = []
    for dataset in sorted(path for path in data.iterdir() if (path / "truth.jsonl").exists()):
        for line in (dataset / "truth.jsonl").read_text("utf-8").splitlines():
            truth = json.loads(line)
            html = gzip.decompress((dataset / truth["file"]).read_bytes())
            pages.append(Page(f"{dataset.name}/{truth['id']}", truth["url"], html))
    return pages[:limit]


def extract_loop(pages: list[Page], answers: dict[str, bytes]) -> Pass:
    """`extract` on each page in turn, in this process; keeps each page's article line."""
    latencies, failed = [], 0
    started = time.perf_counter()
    for page in pages:
        begun = time.perf_counter()
        try:
            answers[page.id] = extract(page.html, page.url).to_json()
        except ExtractError:
            failed += 1
            answers[page.id] = b""
        latencies.append(time.perf_counter() - begun)
    return Pass(time.perf_counter() - started, latencies, failed)


async def service_pass(
    service: Service, pages: list[Page], clients: int, answers: dict[str, bytes], mismatches: list[str]
) -> Pass:
    """Every page posted once by `clients` concurrent clients; answers compared with `extract`'s."""
    queue = list(reversed(pages))
    latencies: list[float] = []
    failed = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failed
        while queue:
            page = queue.pop()
            begun = time.perf_counter()
            response = await http.post(service("/v1/extract"), params=page.params, content=page.html)
            latencies.append(time.perf_counter() - begun)
            if response.status_code != 200:
                failed += 1
            if (response.content if response.status_code == 200 else b"") != answers.get(page.id, b""):
                mismatches.append(f"{page.id}: {response.status_code} {response.text[:200]}")

    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return Pass(time.perf_counter() - started, latencies, failed)


async def memory_run(
    service: Service, pages: list[Page], requests: int, clients: int
) -> list[tuple[int, int]]:
    """(requests done, resident bytes) every `SAMPLE_EVERY` requests of `requests`, pages in turn."""
    samples: list[tuple[int, int]] = []
    sent = done = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal sent, done
        while sent < requests:
            page = pages[sent % len(pages)]
            sent += 1
            await http.post(service("/v1/extract"), params=page.params, content=page.html)
            done += 1
            if done % SAMPLE_EVERY == 0:
                samples.append((done, service.rss()))

    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED / "bench" / "data")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--rounds", type=int, default=2, help="passes at each number of clients (default 2)")
    parser.add_argument(
        "--requests", type=int, default=20_000, help="requests of the memory run (default 20000)"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)), help="service workers"
    )
    args = parser.parse_args()

    pages = load_pages(args.data, args.limit)
    megabytes = sum(len(page.html) for page in pages) / 1e6
    print(f"{len(pages)} pages ({megabytes:.0f} MB) from {args.data}; {os.cpu_count()} cores")
    print(f"service: scraper serve -j {args.jobs} on 127.0.0.1; client: httpx in this process\n")
    print(f"{'':<32} {'requests/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'failed':>8}")
    answers: dict[str, bytes] = {}
    mismatches: list[str] = []
    with tempfile.TemporaryDirectory() as workdir, serve(Path(workdir), "-j", str(args.jobs)) as service:
        for round_ in range(1, args.rounds + 1):
            for clients in CLIENTS:
                print(extract_loop(pages, answers).row(f"extract() loop, 1 process #{round_}"), flush=True)
                done = asyncio.run(service_pass(service, pages, clients, answers, mismatches))
                label = f"POST /v1/extract, {clients} client{'s' * (clients > 1)} #{round_}"
                print(done.row(label), flush=True)
        print(
            f"\nanswers identical to extract(): {args.rounds * len(CLIENTS) * len(pages) - len(mismatches)}"
            f" of {args.rounds * len(CLIENTS) * len(pages)}"
        )
        for mismatch in mismatches[:5]:
            print(f"  differs: {mismatch}")

        print(f"\nmemory over {args.requests} requests at 8 clients (service and workers, resident):")
        started = time.perf_counter()
        samples = asyncio.run(memory_run(service, pages, args.requests, 8))
        seconds = time.perf_counter() - started
        sizes = [size / 1e6 for _, size in samples]
        for done, size in samples:
            print(f"  after {done:>6} requests: {size / 1e6:7.1f} MB")
        half = len(sizes) // 2
        print(
            f"first {sizes[0]:.1f} MB, last {sizes[-1]:.1f} MB, max {max(sizes):.1f} MB; "
            f"mean of the first half {statistics.mean(sizes[:half]):.1f} MB, of the second half "
            f"{statistics.mean(sizes[half:]):.1f} MB; {args.requests / seconds:.1f} requests/s"
        )


if __name__ == "__main__":
    main()
