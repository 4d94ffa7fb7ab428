"""`scraper bench` on a dataset generated here, and its metrics against the reference scorer."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from scraper.bench import Run, table, tail
from scraper.bench_score import Scores
from scraper.cli import main
from tests.support.pages import ITEMS, LEAD, PARAS, QUOTE, article_with_boilerplate
from tests.support.samples import ROOT

BODY = "\n".join([LEAD, PARAS[0], *ITEMS, QUOTE, PARAS[1]])


TITLES = ["Council approves harbour plan", "Harbour plan wins the vote"]


def make_dataset(folder: Path, titles: list[str] = TITLES) -> Path:
    """Article pages of one site, with the same boilerplate around each, in the benchmark format."""
    (folder / "pages").mkdir(parents=True)
    rows = []
    for n, title in enumerate(titles):
        page_id = f"page-{n}"
        (folder / "pages" / f"{page_id}.html.gz").write_bytes(
            gzip.compress(article_with_boilerplate(url_title=title).encode())
        )
        rows.append(
            {
                "id": page_id,
                "url": f"https://gazette.example.com/news/{n}",
                "file": f"pages/{page_id}.html.gz",
                "title": title,
                "authors": ["Ana Ruiz"],
                "published": "2025-03-04",
                "body": BODY,
                "with": None,
                "without": None,
            }
        )
    (folder / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def test_bench_prints_both_extractors_and_writes_predictions(tmp_path: Path, capsys) -> None:
    dataset = make_dataset(tmp_path / "mini")
    assert main(["bench", str(dataset), "-o", str(tmp_path / "out")]) == 0
    table = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line.split("|")[2:-1] for line in table.splitlines()[2:] if line}
    assert set(rows) == {"ours", "trafilatura"}
    body_f1, title_accuracy = float(rows["ours"][2]), float(rows["ours"][3])
    assert body_f1 > 0.95 and title_accuracy == 1.0
    predictions = [
        orjson.loads(line) for line in (tmp_path / "out" / "mini.ours.jsonl").read_bytes().splitlines()
    ]
    assert [p["id"] for p in predictions] == ["page-0", "page-1"]
    assert predictions[0]["authors"] == ["Ana Ruiz"]


def test_bench_templates_times_the_pages_of_the_sites_with_a_template(tmp_path: Path, capsys) -> None:
    dataset = make_dataset(tmp_path / "mini", [*TITLES, "Harbour plan goes to the ferry board"])
    assert main(["bench", str(dataset), "--only", "ours", "--templates", "-o", str(tmp_path / "out")]) == 0
    tables = capsys.readouterr().out.split("\n\n")
    assert tables[1].startswith("| mini, sites with a template (3 pages) |")
    rows = {line.split("|")[1].strip(): line.split("|")[-3].strip() for line in tables[1].splitlines()[2:]}
    assert set(rows) == {"ours", "ours+templates"}
    assert all(float(pages_per_second) > 0 for pages_per_second in rows.values()), tables[1]


def test_bench_refuses_a_folder_without_truth(tmp_path: Path) -> None:
    assert main(["bench", str(tmp_path)]) == 2


PREDICTIONS = [
    {
        "id": "a",
        "body": "one two three four five six",
        "title": "The Title",
        "authors": "X; Y",
        "published": "2024-01-02T10:00",
    },
    {"id": "b", "body": "", "title": "wrong", "authors": ["Z"], "published": None},
    {"id": "c", "body": "alpha beta gamma delta", "title": "“Quoted” title"},
]
TRUTH = [
    {
        "id": "a",
        "body": "one two three four five seven",
        "title": "the  title",
        "authors": ["X"],
        "published": "2024-01-02",
    },
    {
        "id": "b",
        "body": "some text here and there",
        "title": "right",
        "authors": ["Z", "W"],
        "published": "2024-01-03",
    },
    {"id": "c", "with": ["beta gamma", "omega"], "without": ["delta"], "title": '"quoted" title'},
]


def test_metrics_match_the_reference_scorer(tmp_path: Path, shared: Path) -> None:
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in TRUTH))
    (tmp_path / "pred.jsonl").write_text("".join(json.dumps(r) + "\n" for r in PREDICTIONS))
    scorer = shared / "bench" / "score.py"
    command = [sys.executable, str(scorer), str(tmp_path), str(tmp_path / "pred.jsonl"), "--json"]
    reference = json.loads(subprocess.run(command, capture_output=True, check=True, text=True).stdout)
    scores = Scores()
    for truth, prediction in zip(TRUTH, PREDICTIONS, strict=True):
        scores.add(truth, prediction)
    ours = scores.summary()
    assert ours["body_f1"] == pytest.approx(reference["body"]["f1"])
    assert ours["body_precision"] == pytest.approx(reference["body"]["precision"])
    assert ours["title_accuracy"] == pytest.approx(reference["title"]["accuracy"])
    assert ours["author_f1"] == pytest.approx(reference["authors"]["f1"])
    assert ours["date_accuracy"] == pytest.approx(reference["published"]["accuracy"])
    snippets = Scores()
    snippets.add(TRUTH[2], PREDICTIONS[2])
    assert snippets.body_prf()[2] == pytest.approx(reference["snippets"]["f1"])


def test_tail_lists_the_pages_one_extractor_fails_and_the_other_gets() -> None:
    """A page we lose (empty) where trafilatura is right is catastrophic; the reverse is trafilatura's."""
    text = "the council approved the harbour plan on monday after a long debate in the chamber"
    truths = [{"id": name, "body": text} for name in ("lost", "won", "both", "neither")]
    good, empty, half = {"body": text}, {"body": ""}, {"body": text[: len(text) // 2]}
    runs = [Run("ours"), Run("trafilatura")]
    for truth, ours, theirs in zip(
        truths, (empty, good, good, empty), (good, empty, good, half), strict=True
    ):
        runs[0].add(truth, ours, 0.01)
        runs[1].add(truth, theirs, 0.01)
    assert tail(runs) == {"ours": ["lost"], "trafilatura": ["won"]}
    printed = table(runs, "mini")
    rows = {line.split("|")[1].strip(): line.split("|")[-4].strip() for line in printed.splitlines()[2:4]}
    assert rows == {"ours": "1", "trafilatura": "1"}
    assert "ours: F1 < 0.5 where trafilatura has >= 0.8: lost" in printed


def test_the_dataset_format_the_readme_gives_is_what_bench_reads(tmp_path: Path, capsys) -> None:
    """The README describes the format itself (a clone has no dataset): its example line, with a page
    of that title, author and date, scores as annotated."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**A benchmark dataset**") :]
    start = section.index("```json\n") + len("```json\n")
    line = section[start : section.index("\n```", start)]
    truth = json.loads(line)
    assert set(truth) == {"id", "url", "file", "title", "authors", "published", "body", "with", "without"}
    dataset = tmp_path / "from-readme"
    (dataset / "pages").mkdir(parents=True)
    (dataset / "truth.jsonl").write_text(line + "\n")
    page = article_with_boilerplate(url_title=truth["title"])
    (dataset / truth["file"]).write_bytes(gzip.compress(page.encode()))

    assert main(["bench", str(dataset), "--only", "ours", "-o", str(tmp_path / "out")]) == 0
    row = capsys.readouterr().out.splitlines()[2].split("|")
    assert row[1].strip() == "ours"
    assert [row[5 + n].strip() for n in range(3)] == ["1.000", "1.000", "1.000"]  # title, authors, date
