"""Hostile and broken pages through `scraper clean`: each gives a correct article or a clear error
naming the file, the batch never crashes, and memory stays bounded. All pages go through one run
(a real subprocess, two workers) whose peak memory is measured."""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pages import article_page
from tests.support.samples import SAMPLES

PEAK_RSS_LIMIT_MB = 1500  # generous: the 20 MB page needs a few hundred MB in its worker

RUSSIAN_TITLE = "Городской совет утвердил план реконструкции гавани"
RUSSIAN_TEXT = "Депутаты долго спорили о стоимости работ, паромах и зимнем расписании для жителей острова."
JAPANESE_TITLE = "港の再開発計画、市議会が承認"
JAPANESE_TEXT = "議員たちは工事費用やフェリー、島の住民のための冬の時刻表について長い時間議論した。"
DEEP_TEXT = "This paragraph sits a hundred thousand elements deep"
LONG_STORY_PARAGRAPHS = 30_000

# Run with a wrapper that reports the peak RSS of the largest process under it (the CLI or a worker).
_MEASURE = (
    "import resource, subprocess, sys\n"
    "status = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    "sys.exit(status)\n"
)


def legacy_page(title: str, text: str) -> str:
    """A page in a legacy charset: no charset in a header or `<meta>`, so it must be detected."""
    paragraphs = "".join(f"<p>{text} ({n})</p>" for n in range(8))
    body = f"<article><h1>{title}</h1>{paragraphs}</article>"
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def huge_page() -> bytes:
    """About 20 MB, shaped like the big pages found in the wild: a state blob in a script, an inline
    image, thousands of links, and an article."""
    state = ",".join(f'{{"id":{n},"headline":"Item {n}"}}' for n in range(150_000))
    image = base64.b64encode(random.Random(1).randbytes(10_500_000)).decode()
    links = "".join(f'<li><a href="/story/{n}">Story number {n}</a></li>' for n in range(20_000))
    page = article_page("A very large page").replace(
        "</head>", f"<script>window.__STATE__ = [{state}];</script></head>"
    )
    page = page.replace("</article>", f'</article><img src="data:image/png;base64,{image}"><ul>{links}</ul>')
    return page.encode()


def deep_page(levels: int = 100_000) -> bytes:
    """An article inside `levels` nested divs."""
    page = article_page("Deep page", lead=DEEP_TEXT)
    start, end = page.index("<body>") + len("<body>"), page.index("</body>")
    return (page[:start] + "<div>" * levels + page[start:end] + "</div>" * levels + page[end:]).encode()


def long_story_page() -> bytes:
    """A page of a site with its own cleaner (Devdiscourse) whose story has tens of thousands of
    paragraphs: a walk that is quadratic in the body's size would take hours on it."""
    page = (SAMPLES / "devdiscourse.com" / "putin-thanks-kim-kursk.html").read_text()
    extra = "".join(f"<p>Paragraph {n} of a very long story.</p>" for n in range(LONG_STORY_PARAGRAPHS))
    start = '<section class="article-cont">'
    return page.replace(start, start + extra, 1).encode()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("bad")
    pages = folder / "pages"
    pages.mkdir()
    whole = article_page("Cut short", lead="The story that was cut short").encode()
    (pages / "empty.html").write_bytes(b"")
    (pages / "binary.html").write_bytes(random.Random(2).randbytes(50_000) + b"\x00\x00")
    (pages / "truncated.html").write_bytes(whole[: len(whole) // 2])
    (pages / "windows-1251.html").write_bytes(legacy_page(RUSSIAN_TITLE, RUSSIAN_TEXT).encode("cp1251"))
    (pages / "shift_jis.html").write_bytes(legacy_page(JAPANESE_TITLE, JAPANESE_TEXT).encode("shift_jis"))
    (pages / "huge.html").write_bytes(huge_page())
    (pages / "deep.html").write_bytes(deep_page())
    (pages / "long-story.html").write_bytes(long_story_page())
    assert (pages / "huge.html").stat().st_size > 20_000_000
    out, errors = folder / "out.jsonl", folder / "errors.jsonl"

    command = [sys.executable, "-m", "scraper", "clean", pages, "-o", out, "--errors", errors, "-j", "2"]
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, command)], capture_output=True, timeout=300, check=False
    )

    sources = [
        Path(json.loads(line)).name for line in (folder / "out.jsonl.sources").read_text().splitlines()
    ]
    articles = [json.loads(line) for line in out.read_text().splitlines()]
    return {
        "status": result.returncode,
        "stderr": result.stderr.decode(),
        "peak_mb": int(result.stdout),
        "articles": dict(zip(sources, articles, strict=True)),
        "errors": {
            Path(e["source"]).name: e["error"] for e in map(json.loads, errors.read_text().splitlines())
        },
        "pages": pages,
    }


def test_the_batch_finishes_and_reports_only_the_unreadable_pages(run: dict) -> None:
    assert run["status"] == 1
    assert set(run["errors"]) == {"empty.html", "binary.html"}
    assert set(run["articles"]) == {
        "truncated.html",
        "windows-1251.html",
        "shift_jis.html",
        "huge.html",
        "deep.html",
        "long-story.html",
    }
    assert run["stderr"].splitlines()[-1] == "2 of 8 pages failed"


def test_empty_and_binary_files_get_a_clear_error_naming_the_file(run: dict) -> None:
    assert run["errors"] == {"empty.html": "empty document", "binary.html": "binary data, not HTML"}
    stderr = run["stderr"].splitlines()
    assert f"{run['pages'] / 'empty.html'}: empty document" in stderr
    assert f"{run['pages'] / 'binary.html'}: binary data, not HTML" in stderr


def test_truncated_html_keeps_what_arrived(run: dict) -> None:
    article = run["articles"]["truncated.html"]
    assert article["title"] == "Cut short"
    assert "The story that was cut short, part 0" in article["body"]


@pytest.mark.parametrize(
    ("name", "title", "text"),
    [("windows-1251.html", RUSSIAN_TITLE, RUSSIAN_TEXT), ("shift_jis.html", JAPANESE_TITLE, JAPANESE_TEXT)],
)
def test_legacy_charsets_without_declaration_are_detected(
    run: dict, name: str, title: str, text: str
) -> None:
    article = run["articles"][name]
    assert article["title"] == title
    assert text in article["body"]


def test_a_20_mb_page_gives_its_article(run: dict) -> None:
    article = run["articles"]["huge.html"]
    assert article["title"] == "A very large page"
    assert "The council voted on the harbour plan, part 5" in article["body"]
    assert "Story number" not in article["body"]


def test_markup_nested_100000_levels_deep_is_read(run: dict) -> None:
    article = run["articles"]["deep.html"]
    assert article["title"] == "Deep page"
    assert f"{DEEP_TEXT}, part 5" in article["body"]


def test_memory_stays_bounded(run: dict) -> None:
    assert 0 < run["peak_mb"] < PEAK_RSS_LIMIT_MB


def test_a_story_of_thousands_of_paragraphs_through_a_site_cleaner(run: dict) -> None:
    article = run["articles"]["long-story.html"]
    assert article["cleaner"]["name"] == "devdiscourse"
    assert f"Paragraph {LONG_STORY_PARAGRAPHS - 1} of a very long story." in article["body"]
