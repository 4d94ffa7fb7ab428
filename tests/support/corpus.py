"""The dump benchmarks' corpus: variants of the saved sample pages in .warc.gz files, as many as wanted.

Each page is a variant of a sample with its title and prose changed (words replaced and reordered), so
no two pages are alike; `build_corpus` writes them to .warc.gz files of 1,000 records, each with the
URL `url(site, number)` (by default on the sample's own site, so its site cleaner reads it)."""

from __future__ import annotations

import io
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.samples import ROOT

PAGES_PER_WARC = 1000
_PROSE = re.compile(r">([^<>{}\"]{40,})<")  # text between tags, not JSON or attributes
_TITLE = re.compile(r"<title>([^<]*)</title>", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}")
_HTML = "text/html; charset=utf-8"


def sample_url(site: str, number: int) -> str:
    return f"https://www.{site}/bench/{number}"


def samples() -> list[tuple[str, str]]:
    """(site, html) for every saved sample page; the folder name is the site."""
    paths = sorted(ROOT.glob("samples/**/*.html"))
    found = [(path.parent.name, path.read_text("utf-8", "replace")) for path in paths]
    if not found:
        sys.exit("no samples/**/*.html to build a corpus from")
    return found


def variant(html: str, number: int, vocabulary: list[str], rng: random.Random) -> str:
    """The page with other prose: a fifth of the words replaced, sentences' word order shuffled a little."""

    def rewrite(match: re.Match[str]) -> str:
        words = match[1].split(" ")
        for _ in range(max(1, len(words) // 5)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        if len(words) > 4:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        return ">" + " ".join(words) + "<"

    html = _TITLE.sub(lambda m: f"<title>{m[1]} ({number})</title>", html, count=1)
    return _PROSE.sub(rewrite, html)


def build_corpus(folder: Path, pages: int, url: Callable[[str, int], str] = sample_url) -> None:
    sources = samples()
    vocabulary = sorted({word for _, html in sources for word in _WORD.findall(html)})
    rng = random.Random(7)
    for first in range(0, pages, PAGES_PER_WARC):
        with open(folder / f"dump-{first // PAGES_PER_WARC:03}.warc.gz", "wb") as stream:
            writer = WARCWriter(stream, gzip=True)
            for number in range(first, min(first + PAGES_PER_WARC, pages)):
                site, html = sources[number % len(sources)]
                body = variant(html, number, vocabulary, rng).encode()
                headers = StatusAndHeaders("200 OK", [("Content-Type", _HTML)], "HTTP/1.1")
                payload = io.BytesIO(body)
                record = writer.create_warc_record(
                    url(site, number), "response", payload=payload, http_headers=headers
                )
                writer.write_record(record)
