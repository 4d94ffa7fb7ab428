"""`scraper bench DATASET...`: our extractor against plain trafilatura on a benchmark dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scraper.bench import EXTRACTORS, Progress, run, table, write_predictions


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="score our extractor and trafilatura on benchmark datasets",
        description="Run our extractor and plain trafilatura on the same pages of each DATASET (a folder "
        "with truth.jsonl and pages/*.html.gz), write their predictions, print body (or snippet) "
        "P/R/F1, title accuracy, author F1, date accuracy and pages/s side by side.",
    )
    parser.add_argument("datasets", nargs="+", type=Path, metavar="DATASET")
    parser.add_argument("-o", "--out", type=Path, default=Path("bench-out"), help="predictions folder")
    parser.add_argument("--limit", type=int, help="only the first N pages of each dataset")
    parser.add_argument(
        "--only", choices=sorted(EXTRACTORS), action="append", help="run only this extractor (repeatable)"
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    for dataset in args.datasets:
        if not (dataset / "truth.jsonl").is_file():
            print(f"{dataset}: no truth.jsonl", file=sys.stderr)
            return 2
    for dataset in args.datasets:
        name = dataset.resolve().name
        runs = run(dataset, args.only or list(EXTRACTORS), args.limit, _progress(name))
        for path in write_predictions(runs, args.out, name):
            print(f"wrote {path}", file=sys.stderr)
        print(table(runs, name))
        print()
    return 0


def _progress(name: str) -> Progress:
    return lambda count: print(f"{name}: {count} pages", file=sys.stderr)
