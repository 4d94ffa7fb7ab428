"""`scraper bench DATASET...`: our extractor against plain trafilatura on a benchmark dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scraper.bench import (
    EXTRACTORS,
    Extractor,
    Progress,
    learn_templates,
    load_truth,
    run_dataset,
    subset,
    table,
    template_pages,
    with_body,
    with_templates,
    write_predictions,
)
from scraper.cli.options import add_body_arguments
from scraper.errors import UsageError
from scraper.status import OK

HELP = "score our extractor and trafilatura on benchmark datasets"
DESCRIPTION = """\
Run our extractor and plain trafilatura on the same pages of each DATASET (a folder with truth.jsonl
and pages/*.html.gz), write their predictions, print body (or snippet) P/R/F1, title accuracy, author
F1, date accuracy and pages/s side by side. With --body or --with, ours runs a second time with them,
interleaved with the default run, so that their speeds compare (that run is scored on the text of its
paragraphs: the truth holds no markdown syntax or link addresses)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("datasets", nargs="+", type=Path, metavar="DATASET")
    parser.add_argument("-o", "--out", type=Path, default=Path("bench-out"), help="predictions folder")
    parser.add_argument("--limit", type=int, help="only the first N pages of each dataset")
    parser.add_argument(
        "--only", choices=sorted(EXTRACTORS), action="append", help="run only this extractor (repeatable)"
    )
    parser.add_argument(
        "--templates",
        action="store_true",
        help="also run ours with site templates learned from all pages of the dataset, and score both "
        "on the pages of the sites that have a template",
    )
    add_body_arguments(parser)  # a second run of ours, beside the default one: their speeds side by side


def run(args: argparse.Namespace) -> int:
    for dataset in args.datasets:
        if not (dataset / "truth.jsonl").is_file():
            raise UsageError(f"{dataset}: no truth.jsonl")
    for dataset in args.datasets:
        name = dataset.resolve().name
        extractors: dict[str, Extractor] = {n: EXTRACTORS[n] for n in args.only or EXTRACTORS}
        if args.templates:
            store, seconds = learn_templates(dataset, args.limit)
            print(
                f"{name}: learned templates of {len(store.sites)} sites in {seconds:.1f} s", file=sys.stderr
            )
            extractors["ours+templates"] = with_templates(store)
        if args.body != "text" or args.extras:
            label, extractor = with_body(args.body, args.extras)
            extractors[label] = extractor
        runs = run_dataset(dataset, extractors, args.limit, _progress(name))
        for path in write_predictions(runs, args.out, name):
            print(f"wrote {path}", file=sys.stderr)
        print(table(runs, name))
        print()
        if args.templates:
            ids = template_pages(dataset, store, args.limit)
            mine = [r for r in runs if r.name.startswith("ours")]
            print(
                table(subset(mine, load_truth(dataset)[: args.limit], ids), f"{name}, sites with a template")
            )
            print()
    return OK


def _progress(name: str) -> Progress:
    return lambda count: print(f"{name}: {count} pages", file=sys.stderr)
