"""Distributed crawl throughput: articles/s for one worker, then for two workers sharing one Redis frontier,
on the same local site, with the CPU they used. Everything runs on 127.0.0.1.

    .venv/bin/python -m benchmarks.bench_distributed [--articles 1000] [--extract-workers 0]

Each round gets a fresh Redis database and is seeded with the site's sitemap index. The clock runs from
the start of the workers (process start-up included) to the last article written; CPU is the workers'
user+system time (their extraction processes included), and the site server's, which runs in this process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.news_site import NewsSite, Served
from tests.support.redis_server import RedisServer, running_redis

ROOT = Path(__file__).resolve().parents[1]


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _lines(paths: list[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in paths if p.exists())


def _round(server: RedisServer, db: int, site: NewsSite, workers: int, extract: int, tmp: Path) -> dict:
    url = server.db(db)
    scraper = [sys.executable, "-m", "scraper"]
    subprocess.run([*scraper, "seed", "--redis", url, site.url("/sitemap_index.xml")], cwd=ROOT, check=True)
    outputs = [tmp / f"round{db}-w{n}.jsonl" for n in range(workers)]
    settings = (
        "AUTOTHROTTLE_ENABLED=False",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        f"EXTRACT_WORKERS={extract}",
    )
    cpu_workers, cpu_site = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
    start = time.monotonic()
    procs = [
        subprocess.Popen(
            [*scraper, "crawl", "--redis", url, "--worker", f"bench{n}", "-o", str(out)]
            + [f"--set={s}" for s in (*settings, "REDIS_IDLE_CLOSE=1")],
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        for n, out in enumerate(outputs)
    ]
    while _lines(outputs) < len(site.articles) and all(p.poll() is None for p in procs):
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    codes = [p.wait() for p in procs]
    site_cpu = _cpu(resource.RUSAGE_SELF) - cpu_site
    worker_cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu_workers
    emitted = _lines(outputs)
    return {
        "workers": workers,
        "articles": emitted,
        "seconds": elapsed,
        "articles/s": emitted / elapsed,
        "worker CPU s": worker_cpu,
        "site CPU s": site_cpu,
        "cores busy": (worker_cpu + site_cpu) / elapsed,
        "exit codes": codes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--extract-workers", type=int, default=0, help="per worker; 0: one per core")
    args = parser.parse_args()
    site = NewsSite(args.articles, traps=False, samples=False)
    with tempfile.TemporaryDirectory() as tmp, running_redis(Path(tmp) / "redis") as server, Served(site):
        rounds = [_round(server, n, site, n, args.extract_workers, Path(tmp)) for n in (1, 2)]
    print(f"{args.articles} articles, EXTRACT_WORKERS={args.extract_workers} per worker")
    for result in rounds:
        print("  ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
