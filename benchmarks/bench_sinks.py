"""Sink throughput: articles/s written through `scraper.sinks.open_sink` into JSON Lines (the reference),
JSON Lines .gz and .zst, CSV, Parquet, SQLite and PostgreSQL, the same articles into each, side by side.

    .venv/bin/python -m benchmarks.bench_sinks [--articles 20000] [--rounds 3]

The articles are the built-in samples cleaned once by `scraper.extract`, then varied (a fifth of the
body's words replaced from the samples' vocabulary, URL and title numbered, content hash recomputed), so
each is a distinct article and compression sees text as varied as real articles'. Each figure is one
sink's whole run: open, `write` every article, `finish` (rename, the Parquet conversion, the last
commit), in one process, no extraction. Each sink's run is paired with a JSON Lines run just before it
(the reference, measured again each time), so a load on the shared machine falls on both alike, and
rounds rotate the order of the file sinks; the table gives each sink's median and the median of its
ratio to its paired JSON Lines run. `unchanged` rows write the same articles again into the filled database:
upserts that find every article and version in place, and write nothing. PostgreSQL is a throwaway
local server (`tests/support/postgres_server.py`: fsync off), a new database each round."""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import orjson

from scraper import extract
from scraper.sinks import open_sink
from tests.support.postgres_server import PostgresServer, running_postgres

ROOT = Path(__file__).resolve().parents[1]


def articles(count: int) -> list[tuple[str, bytes]]:
    """(source id, article JSON) for `count` distinct articles made from the samples."""
    bases = [extract(path.read_bytes()).to_dict() for path in sorted(ROOT.glob("samples/**/*.html"))]
    bases = [base for base in bases if base["is_article"]]
    vocabulary = sorted({word for base in bases for word in base["body"].split()})
    rng = random.Random(7)
    made = []
    for number in range(count):
        article = dict(bases[number % len(bases)])
        url = f"https://{article['site'] or 'example.com'}/bench/{number}"
        article.update(url=url, canonical_url=url, title=f"{article['title']} ({number})")
        words = article["body"].split(" ")
        for _ in range(len(words) // 5):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        article["body"] = " ".join(words)
        text = f"{article['title']}\n{article['body']}".encode()
        article["content_hash"] = f"sha256:{hashlib.sha256(text).hexdigest()}"
        made.append((f"bench/{number}.html", orjson.dumps(article)))
    return made


def write(target: str, batch: list[tuple[str, bytes]]) -> float:
    """Seconds to open a sink, write the articles and finish."""
    started = time.perf_counter()
    sink = open_sink(target)
    try:
        for source, article in batch:
            sink.write(source, article)
        sink.finish()
    finally:
        sink.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = articles(args.articles)
    size = sum(len(article) for _, article in batch) / 2**20
    print(f"{args.articles:,} articles, {size:.0f} MB of JSON; {args.rounds} rounds, sinks interleaved")
    with ExitStack() as stack:
        server: PostgresServer = stack.enter_context(running_postgres())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-sinks-")))
        files = ["jsonl", "jsonl.gz", "jsonl.zst", "csv", "parquet"]
        sinks: dict[str, Callable[[int], float]] = {
            name: (lambda n, name=name: write(str(tmp / f"r{n}.{name}"), batch)) for name in files
        }
        databases: dict[int, dict[str, str]] = {}

        def database(kind: str, n: int) -> float:
            """Into the round's database of that kind: made on its first write, filled on the second."""
            round_databases = databases.setdefault(n, {})
            if kind not in round_databases:
                made = f"sqlite:///{tmp / f'r{n}.db'}" if kind == "sqlite" else server.new_database()
                round_databases[kind] = made
            return write(round_databases[kind], batch)

        for kind in ("sqlite", "postgresql"):
            sinks[kind] = sinks[f"{kind} unchanged"] = lambda n, kind=kind: database(kind, n)
        seconds: dict[str, list[float]] = {name: [] for name in sinks}
        ratios: dict[str, list[float]] = {name: [] for name in sinks}
        names = list(sinks)
        others = files[1:]
        for n in range(args.rounds):
            shift = n % len(others)
            order = others[shift:] + others[:shift] + names[len(files) :]  # a database before its rewrite
            shown = []
            for name in order:
                reference = sinks["jsonl"](0)  # the same file each time: r0.jsonl
                spent = sinks[name](n)
                seconds["jsonl"].append(reference)
                seconds[name].append(spent)
                ratios[name].append(reference / spent)
                shown.append(f"{name} {args.articles / spent:,.0f}/s ({args.articles / reference:,.0f})")
            ratios["jsonl"].append(1.0)
            print(f"round {n + 1}, articles/s (JSON Lines just before): " + ", ".join(shown))
        print(f"\n{'sink':<22} {'articles/s':>11} {'vs JSON Lines':>14} {'size':>9}")
        for name in names:
            rate = args.articles / statistics.median(seconds[name])
            size_of = tmp / f"r0.{name}" if name in files else None
            shown = f"{size_of.stat().st_size / 2**20:,.1f} MB" if size_of and size_of.exists() else ""
            print(f"{name:<22} {rate:>11,.0f} {statistics.median(ratios[name]):>13.2f}x {shown:>9}")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
