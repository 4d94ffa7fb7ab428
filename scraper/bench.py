"""Run our extractor and plain trafilatura on the same pages of a benchmark dataset (the format of
`../shared/bench/README.md`): time both, write their predictions, score them side by side."""

from __future__ import annotations

import contextlib
import gzip
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import trafilatura

from scraper.article import Article
from scraper.bench_score import Scores
from scraper.decode import decode
from scraper.errors import ExtractError
from scraper.pipeline import analyse, build_article, extract, learn, parse, registered_domain
from scraper.templates import TemplateStore
from scraper.text import join_paragraphs

Prediction = dict[str, Any]
Extractor = Callable[[str, str | None], Prediction]
Progress = Callable[[int], None]


def ours(html: str, url: str | None, templates: TemplateStore | None = None) -> Prediction:
    return _prediction(extract(html, url, templates=templates))


def _prediction(article: Article, body: str | None = None) -> Prediction:
    return {
        "body": article.body if body is None else body,
        "title": article.title,
        "authors": article.authors,
        "published": article.published,
    }


def plain_trafilatura(html: str, url: str | None) -> Prediction:
    """trafilatura with its defaults, as users run it: `extract` for the text, `extract_metadata`
    for title, author and date."""
    body = trafilatura.extract(html, url=url, output_format="txt")
    meta = trafilatura.extract_metadata(html, default_url=url)
    return {
        "body": body,
        "title": meta.title,
        "authors": meta.author.split("; ") if meta.author else None,
        "published": meta.date,
    }


EXTRACTORS: dict[str, Extractor] = {"ours": ours, "trafilatura": plain_trafilatura}


def learn_templates(dataset: Path, limit: int | None = None) -> tuple[TemplateStore, float]:
    """Site templates learned from every page of the dataset (what a crawl or a folder of dumps of
    the same sites would teach), and the seconds it took."""
    store = TemplateStore()
    seconds = 0.0
    for truth in load_truth(dataset)[:limit]:
        html = read_page(dataset, truth)
        started = time.perf_counter()
        with contextlib.suppress(ExtractError):
            learn(store, parse(html, truth.get("url")))
        seconds += time.perf_counter() - started
    return store, seconds


def with_templates(store: TemplateStore) -> Extractor:
    return lambda html, url: ours(html, url, store)


def with_body(body: str, with_: tuple[str, ...]) -> tuple[str, Extractor]:
    """Ours asked for another body format and extras (what `extract(html, url, body=, with_=)` does),
    and its name in the tables. It is scored on the text of the same paragraphs: the truth holds no
    markdown syntax or link addresses."""

    def structured(html: str, url: str | None) -> Prediction:
        page, cleaned = analyse(html, url, structured=True)
        article = build_article(page, cleaned, body=body, with_=with_)
        return _prediction(article, join_paragraphs(cleaned.paragraphs) if cleaned.is_article else "")

    options = [f"--body {body}"] if body != "text" else []
    options += [f"--with {','.join(with_)}"] if with_ else []
    return f"ours {' '.join(options)}", structured


def template_pages(dataset: Path, store: TemplateStore, limit: int | None = None) -> set[str]:
    """Ids of the pages whose site has a learned template."""
    return {
        truth["id"]
        for truth in load_truth(dataset)[:limit]
        if (host := urlsplit(truth.get("url") or "").hostname)
        and (site := registered_domain(host))
        and store.boilerplate(site)
    }


def load_truth(dataset: Path) -> list[dict[str, Any]]:
    with open(dataset / "truth.jsonl", "rb") as lines:
        return [orjson.loads(line) for line in lines if line.strip()]


def read_page(dataset: Path, truth: dict[str, Any]) -> str:
    """The page decoded once, the same way for every extractor."""
    return decode(gzip.decompress((dataset / truth["file"]).read_bytes()))


@dataclass(slots=True)
class Run:
    """One extractor's predictions, scores and time over a dataset."""

    name: str
    scores: Scores = field(default_factory=Scores)
    pages: int = 0
    errors: int = 0
    predictions: list[Prediction] = field(default_factory=list)
    page_f1: dict[str, float] = field(default_factory=dict)  # body (or snippet) F1 by page id
    page_seconds: dict[str, float] = field(default_factory=dict)  # extraction time by page id

    def add(self, truth: dict[str, Any], prediction: Prediction, seconds: float) -> None:
        if (f1 := self.scores.add(truth, prediction)) is not None:
            self.page_f1[truth["id"]] = f1
        self.predictions.append({"id": truth["id"], **prediction})
        self.page_seconds[truth["id"]] = seconds
        self.pages += 1

    @property
    def pages_per_second(self) -> float:
        seconds = sum(self.page_seconds.values())
        return self.pages / seconds if seconds else 0.0


_WARM_UP_PAGES = 10


def run_dataset(
    dataset: Path, extractors: dict[str, Extractor], limit: int | None = None, progress: Progress = print
) -> list[Run]:
    """Every page through every extractor in turn, interleaved (a load change on the machine hits all
    of them alike) and in a rotating order. Only the extraction calls are timed: not reading and
    decoding, and not a first untimed warm-up round over a few pages (lazy imports and caches such as
    dateparser's locales, which would otherwise count for whichever extractor meets them first)."""
    runs = [Run(name) for name in extractors]
    truths = load_truth(dataset)[:limit]
    for truth in truths[:_WARM_UP_PAGES]:
        html = read_page(dataset, truth)
        for current in runs:
            with contextlib.suppress(Exception):
                extractors[current.name](html, truth.get("url"))
    for count, truth in enumerate(truths, 1):
        html = read_page(dataset, truth)
        turn = count % len(runs)
        for current in runs[turn:] + runs[:turn]:  # rotated: no extractor always meets a page cold
            started = time.perf_counter()
            try:
                prediction = extractors[current.name](html, truth.get("url"))
            except Exception as error:  # a crash on one page scores as empty output, not a lost run
                print(f"{truth['id']}: {current.name}: {error!r}", file=sys.stderr)
                current.errors += 1
                prediction = {}
            current.add(truth, prediction, time.perf_counter() - started)
        if count % 100 == 0:
            progress(count)
    return runs


def subset(runs: list[Run], truths: list[dict[str, Any]], ids: set[str]) -> list[Run]:
    """The same runs scored, and timed, on some of the pages only."""
    by_id = {truth["id"]: truth for truth in truths}
    parts = []
    for current in runs:
        part = Run(current.name)
        for prediction in current.predictions:
            if (page := prediction["id"]) in ids:
                rest = {k: v for k, v in prediction.items() if k != "id"}
                part.add(by_id[page], rest, current.page_seconds[page])
        parts.append(part)
    return parts


def write_predictions(runs: list[Run], out: Path, dataset_name: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for current in runs:
        path = out / f"{dataset_name}.{current.name}.jsonl"
        path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in current.predictions))
        paths.append(path)
    return paths


REFERENCE = "trafilatura"
# The tail: pages where one extractor fails (body F1 below BAD) while the other gets them (GOOD or more).
BAD, GOOD = 0.5, 0.8


def tail(runs: list[Run]) -> dict[str, list[str]]:
    """Per run, the ids of its catastrophic pages: its F1 < BAD where the other side's is >= GOOD. The
    other side of every run is plain trafilatura; trafilatura's own is `ours` (the reverse tail)."""
    by_name = {current.name: current for current in runs}
    found = {}
    for current in runs:
        other = by_name.get("ours" if current.name == REFERENCE else REFERENCE)
        if other is None or other is current:
            continue
        found[current.name] = [
            page for page, f1 in current.page_f1.items() if f1 < BAD and other.page_f1.get(page, 0.0) >= GOOD
        ]
    return found


_COLUMNS = (
    ("body_precision", "body P"),
    ("body_recall", "body R"),
    ("body_f1", "body F1"),
    ("title_accuracy", "title acc"),
    ("author_f1", "author F1"),
    ("date_accuracy", "date acc"),
)


def table(runs: list[Run], dataset_name: str) -> str:
    """A Markdown table, one row per extractor; its tail column counts the extractor's catastrophic
    pages (F1 < 0.5 where the other side has >= 0.8), listed by id below the table."""
    snippets = bool(runs) and not runs[0].scores.body and bool(runs[0].scores.snippets)
    heads = [label.replace("body", "snippet") if snippets else label for _, label in _COLUMNS]
    lines = [
        f"| {dataset_name} ({runs[0].pages if runs else 0} pages) | {' | '.join(heads)} "
        "| tail | pages/s | errors |",
        "|---" * (len(heads) + 4) + "|",
    ]
    tails = tail(runs)
    for current in runs:
        summary = current.scores.summary()
        cells = [current.name, *(_cell(summary[key]) for key, _ in _COLUMNS)]
        cells += [str(len(tails[current.name])) if current.name in tails else "n/a"]
        cells += [f"{current.pages_per_second:.1f}", str(current.errors)]
        lines.append(f"| {' | '.join(cells)} |")
    for name, pages in tails.items():
        if pages:
            lines.append(
                f"\n{name}: F1 < {BAD} where {'ours' if name == REFERENCE else REFERENCE} "
                f"has >= {GOOD}: {', '.join(sorted(pages))}"
            )
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
