"""What `scraper clean` tells while it runs and when it ends: on a terminal, a progress line (records
seen, kept, articles, records/s, errors); failures as they come; a summary; and the exit status."""

from __future__ import annotations

import sys
import time
from collections import Counter

from scraper.sources import Counts
from scraper.status import INCOMPLETE, OK, PARTIAL


class Report:
    """Counts pages, articles, failures and lost inputs; `counts` (records seen and kept) is filled by
    the readers, or by whoever adds up the tasks' results. Messages go above the progress line."""

    def __init__(self, live: bool, counts: Counts) -> None:
        self.live = live
        self.counts = counts
        self.pages = self.failed = self.articles = 0
        self.lost: list[str] = []  # inputs that could not be read whole: `SOURCE: reason`
        self.fallbacks: Counter[str] = Counter()  # site -> pages its cleaner handed to the generic one
        self.skipped_languages: Counter[str] = Counter()  # language -> articles not written (--lang)
        self.skipped_files: list[str] = []  # files in the folders that are neither pages nor dumps
        self._start = self._drawn = time.monotonic()

    def count(
        self,
        *,
        pages: int = 1,
        failed: int = 0,
        articles: int = 0,
        fallback: str | None = None,
        language: str | None = None,
    ) -> None:
        self.pages += pages
        self.failed += failed
        self.articles += articles
        if fallback:
            self.fallbacks[fallback] += 1
        if language:
            self.skipped_languages[language] += 1
        self.tick()

    def lose(self, text: str) -> None:
        self.lost.append(text)
        self.message(text)

    def tick(self) -> None:
        if self.live and time.monotonic() - self._drawn > 0.2:
            self._draw()

    def message(self, text: str) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
        print(text, file=sys.stderr, flush=True)

    def _draw(self) -> None:
        self._drawn = time.monotonic()
        rate = self.counts.records / max(self._drawn - self._start, 1e-9)
        sys.stderr.write(
            f"\r\x1b[K{self.counts.records:,} records seen  {self.counts.kept:,} kept  "
            f"{self.articles:,} articles  {rate:,.0f} records/s  {self.failed:,} errors"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            self._draw()
            sys.stderr.write("\n")

    def summary(self, *, counts: bool) -> int:
        """Print the end of the run (with `counts`: records seen, kept, articles); the exit status."""
        if counts:
            seconds = time.monotonic() - self._start
            print(
                f"records seen {self.counts.records:,}, kept {self.counts.kept:,}, articles "
                f"{self.articles:,} ({self.counts.records / max(seconds, 1e-9):,.0f} records/s)",
                file=sys.stderr,
            )
        if skipped := self.skipped_files:
            many = "s" if len(skipped) > 1 else ""
            print(
                f"{len(skipped)} file{many} in the folders skipped, not HTML (first: {skipped[0]})",
                file=sys.stderr,
            )
        if self.fallbacks:
            found = ", ".join(f"{site} {count}" for site, count in sorted(self.fallbacks.items()))
            print(f"site cleaners that fell back to the generic one: {found}", file=sys.stderr)
        if self.skipped_languages:
            found = ", ".join(f"{lang} {count}" for lang, count in sorted(self.skipped_languages.items()))
            total = sum(self.skipped_languages.values())
            print(f"{total} pages skipped, in a language not in --lang: {found}", file=sys.stderr)
        if self.failed:
            print(f"{self.failed} of {self.pages} pages failed", file=sys.stderr)
        if self.lost:
            print(
                f"{len(self.lost)} input{'s' if len(self.lost) > 1 else ''} could not be read whole: "
                "their articles are missing (named above)",
                file=sys.stderr,
            )
            return INCOMPLETE
        return PARTIAL if self.failed else OK
