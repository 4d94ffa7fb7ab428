"""`scraper clean --templates FILE` through its command line (a real subprocess): blocks repeated across
the pages of a site leave every page's body, whatever -j, and FILE carries what was learned to the next
run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scraper.templates import TemplateStore
from tests.support.commands import clean

SITE = "harbour-gazette.com"
# Chrome in ordinary paragraphs, with no class, id or wording a generic rule knows.
MENU = "Harbour, Hills, Markets, Weather, Letters and the Saturday puzzle pages are all in print this week."
MOST_READ = "Readers this week followed the quay repairs, the choir tour and the new bakery on Mill Lane."
FOOTER = "The Harbour Gazette is published by the Harbour Press cooperative at 12 Quay Street since 1921."
REPEATED = (MENU, MOST_READ, FOOTER)
TOPICS = ("ferry", "library", "orchard", "lighthouse", "market", "school", "bridge", "regatta")


def story(n: int) -> str:
    """The text only page `n` has."""
    return f"The {TOPICS[n]} story, paragraph"


def page(n: int) -> str:
    """Page `n`: its own story, with the site's chrome inside the article, where a reader of the
    markup alone cannot tell it from the story."""
    paragraphs = [
        f"<p>{story(n)} {i}: residents met the council about the {TOPICS[n]} and its costs for the town.</p>"
        for i in range(5)
    ]
    paragraphs.insert(3, f'<div class="k2"><p>{MOST_READ}</p></div>')
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>About the {TOPICS[n]}</title>'
        f'<link rel="canonical" href="https://www.{SITE}/news/{n}"></head><body><article>'
        f'<h1>About the {TOPICS[n]}</h1><div class="c1"><p>{MENU}</p></div>{"".join(paragraphs)}'
        f'<div class="c3"><p>{FOOTER}</p></div></article></body></html>'
    )


def write_pages(folder: Path, numbers: range) -> Path:
    folder.mkdir(exist_ok=True)
    for n in numbers:
        (folder / f"{n}.html").write_text(page(n))
    return folder


def clean_ok(*args: object) -> subprocess.CompletedProcess[bytes]:
    result = clean(*args)
    assert result.returncode == 0, result.stderr
    return result


def bodies(output: bytes) -> list[str]:
    return [json.loads(line)["body"] for line in output.splitlines()]


def leaked(body: str) -> list[str]:
    return [text for text in REPEATED if text in body]


def test_repeated_blocks_leave_every_page_whatever_the_jobs(tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages", range(6))
    templates = tmp_path / "templates.json"
    assert all(leaked(body) == list(REPEATED) for body in bodies(clean_ok(pages).stdout))

    one_job = clean_ok(pages, "--templates", templates, "-j", "1")
    assert b"6 pages learned" in one_job.stderr
    two_jobs = clean_ok(pages, "--templates", templates, "-j", "2")

    assert two_jobs.stdout == one_job.stdout
    cleaned = bodies(one_job.stdout)
    assert len(cleaned) == 6
    for n, body in enumerate(cleaned):  # the first pages too: the template was learned before cleaning
        assert leaked(body) == []
        assert f"{story(n)} 4:" in body
    assert b"0 pages learned" in two_jobs.stderr  # the second run found them all in FILE


def test_the_file_carries_templates_to_a_later_run(tmp_path: Path) -> None:
    """Two pages of a site are too few for a template; two more in a later run make four."""
    templates = tmp_path / "templates.json"
    first = clean_ok(write_pages(tmp_path / "monday", range(2)), "--templates", templates)
    assert all(leaked(body) == list(REPEATED) for body in bodies(first.stdout))

    later = clean_ok(write_pages(tmp_path / "tuesday", range(2, 4)), "--templates", templates)

    assert all(leaked(body) == [] for body in bodies(later.stdout))
    assert len(TemplateStore.load(templates).sites[SITE].pages) == 4


def test_resume_relearns_nothing_twice(tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages", range(6))
    templates, out = tmp_path / "templates.json", tmp_path / "out.jsonl"
    clean_ok(pages, "--templates", templates, "-o", out)
    first = out.read_bytes()
    write_pages(pages, range(6, 8))  # new dumps of the same site

    result = clean_ok(pages, "--templates", templates, "-o", out, "--resume")

    assert b"resuming: 6 pages" in result.stderr
    assert out.read_bytes().startswith(first)
    cleaned = bodies(out.read_bytes())
    assert len(cleaned) == 8
    assert all(leaked(body) == [] for body in cleaned)
    assert len(TemplateStore.load(templates).sites[SITE].pages) == 8  # not 6 + 8


def test_usage_errors(tmp_path: Path) -> None:
    write_pages(tmp_path, range(1))
    (tmp_path / "broken.json").write_text("{not json")
    for args in (
        ["-", "--templates", tmp_path / "t.json"],
        [tmp_path, "--templates", tmp_path / "broken.json"],
    ):
        command = [sys.executable, "-m", "scraper", "clean", *map(str, args)]
        result = subprocess.run(
            command, capture_output=True, stdin=subprocess.DEVNULL, timeout=60, check=False
        )
        assert result.returncode == 2
        assert result.stdout == b""
        assert b"--templates" in result.stderr
