"""Language detection on the benchmark datasets: how often the language detected from an article's text
agrees with the language its page declares (where that is a valid subtag), and what detection costs,
beside the cost of extracting the article, page by page in the same run.

    .venv/bin/python benchmarks/bench_language.py [DATASET...] [--limit N]

DATASET defaults to every dataset in ../shared/bench/data. For each page: `scraper.extract` (timed),
the page's declared language (`scraper.metadata.language_subtag`, as the pipeline reads it), and
`scraper.language.detect` on the article's text body (timed), whether or not the page declares one."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from scraper.bench import load_truth, read_page
from scraper.errors import ExtractError
from scraper.language import detect, load
from scraper.pipeline import extract, parse

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "bench" / "data"


def measure(dataset: Path, limit: int | None) -> dict[str, object]:
    declared = agreed = undeclared = invalid = pages = 0
    extract_seconds = detect_seconds = 0.0
    disagreements: Counter[tuple[str, str]] = Counter()
    for truth in load_truth(dataset)[:limit]:
        html, url = read_page(dataset, truth), truth.get("url")
        started = time.perf_counter()
        try:
            article = extract(html, url)
        except ExtractError:
            continue
        extract_seconds += time.perf_counter() - started
        started = time.perf_counter()
        detected = detect(article.body)
        detect_seconds += time.perf_counter() - started
        pages += 1
        language = parse(html, url).meta.language
        if not article.body:
            continue
        if language is None:
            undeclared += 1
            invalid += _declares_something(html)
            continue
        declared += 1
        if detected == language:
            agreed += 1
        else:
            disagreements[(language, detected or "none")] += 1
    return {
        "dataset": dataset.name,
        "pages": pages,
        "declared": declared,
        "agreement": agreed / declared if declared else None,
        "undeclared": undeclared,
        "invalid": invalid,
        "extract_rate": pages / extract_seconds if extract_seconds else 0.0,
        "detect_rate": pages / detect_seconds if detect_seconds else 0.0,
        "share": detect_seconds / extract_seconds if extract_seconds else 0.0,
        "disagreements": disagreements.most_common(5),
    }


def _declares_something(html: str) -> bool:
    """Whether the page declares a language that is not a valid subtag (rather than none at all)."""
    head = html[:20000].lower()
    return " lang=" in head or "content-language" in head or "og:locale" in head


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("datasets", nargs="*", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    datasets = args.datasets or sorted(p for p in DATA.iterdir() if (p / "truth.jsonl").is_file())
    load()  # the model loads once (about 0.5 s), not on the first page
    print(
        "| dataset | pages | declaring a valid language | detected = declared | declaring none valid "
        "(of which an invalid one) | extract pages/s | detection pages/s | detection / extract time |"
    )
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for dataset in datasets:
        row = measure(dataset, args.limit)
        agreement = "n/a" if row["agreement"] is None else f"{row['agreement']:.1%}"
        print(
            f"| {row['dataset']} | {row['pages']} | {row['declared']} | {agreement} | "
            f"{row['undeclared']} ({row['invalid']}) | {row['extract_rate']:.1f} | "
            f"{row['detect_rate']:.0f} | {row['share']:.1%} |"
        )
        if row["disagreements"]:
            pairs = ", ".join(f"{a}->{b} {n}" for (a, b), n in row["disagreements"])  # type: ignore[attr-defined]
            notes.append(f"{row['dataset']}: most frequent disagreements (declared->detected): {pairs}")
    print("\n".join(["", *notes]))


if __name__ == "__main__":
    main()
