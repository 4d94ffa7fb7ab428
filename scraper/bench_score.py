"""The benchmark metrics of `../shared/bench/score.py`, re-implemented so `scraper bench` works on any
dataset folder in that format, with or without the reference scorer beside it.

body      scrapinghub article-extraction-benchmark: 4-token shingles of `\\w+` tokens (with multiplicity),
          per-page tp/fp/fn normalised to sum 1; P and R are macro means (an empty prediction is left
          out of P); F1 is the harmonic mean of the two means.
snippets  trafilatura's evaluation: whitespace-normalised substring test of each `with` / `without`
          snippet, counts summed over pages.
title     exact match after NFKC, case folding, quote and whitespace normalisation.
authors   mean per-page F1 of the sets of normalised names.
published same calendar day.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1)))


def body_match(true: str, pred: str) -> tuple[float, float, float]:
    """Shingle (tp, fp, fn), normalised to sum 1."""
    truth, guess = _shingles(true), _shingles(pred)
    truth.pop((), None)
    guess.pop((), None)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _f1(tp: float, fp: float, fn: float) -> float:
    """One page's F1 from its counts (a page with nothing to find and nothing found scores 1)."""
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _ratio(hit: float, miss: float, other: float) -> float:
    if miss == other == 0:
        return 1.0
    return hit / (hit + miss) if hit + miss else 0.0


def _ws(text: str) -> str:
    return " ".join(text.split())


_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"), None)
_QUOTES = str.maketrans(
    {c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e"}
    | {c: "'" for c in "\u2018\u2019\u201a\u201b\u2039\u203a\u2032`\u00b4"}
)


def norm_title(title: Any) -> str:
    if not isinstance(title, str):
        return ""
    return _ws(unicodedata.normalize("NFKC", title).translate(_INVISIBLE_CHARS).translate(_QUOTES).casefold())


_AUTHOR_SPLIT = re.compile(r"\s*(?:[;,&|]|\s(?:and|und|et)\s)\s*", re.I)
_AUTHOR_PREFIX = re.compile(r"^(?:by|von)\s+", re.I)


def norm_authors(value: Any) -> set[str]:
    entries = [value] if isinstance(value, str) else value or []
    names = set()
    for entry in entries:
        if not isinstance(entry, str):
            continue
        entry = unicodedata.normalize("NFKC", entry).translate(_INVISIBLE_CHARS)
        for name in _AUTHOR_SPLIT.split(entry):
            name = _ws(re.sub(r"[^\w\s]", " ", _AUTHOR_PREFIX.sub("", name.strip()).casefold()))
            if name:
                names.add(name)
    return names


def _set_f1(true: set[str], pred: set[str]) -> float:
    if not true or not pred:
        return float(not true and not pred)
    return 2 * len(true & pred) / (len(true) + len(pred))


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def norm_date(value: Any) -> str | None:
    match = _DATE.search(value) if isinstance(value, str) else None
    return "{:04d}-{:02d}-{:02d}".format(*map(int, match.groups())) if match else None


@dataclass(slots=True)
class Scores:
    """Per-page observations; the properties turn them into the benchmark figures."""

    body: list[tuple[float, float, float]] = field(default_factory=list)
    snippets: list[tuple[int, int, int, int]] = field(default_factory=list)  # tp, fp, fn, tn
    title: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    published: list[float] = field(default_factory=list)

    def add(self, truth: dict[str, Any], pred: dict[str, Any]) -> float | None:
        """Count one page; returns its body (or snippet) F1, None when the truth has neither."""
        body = pred.get("body") if isinstance(pred.get("body"), str) else ""
        page_f1 = None
        if truth.get("body") is not None:
            self.body.append(match := body_match(truth["body"], body))
            page_f1 = _f1(*match)
        if truth.get("with") is not None or truth.get("without") is not None:
            text = _ws(body)
            wanted, unwanted = truth.get("with") or [], truth.get("without") or []
            found = sum(_ws(s) in text for s in wanted)
            leaked = sum(_ws(s) in text for s in unwanted)
            self.snippets.append((found, leaked, len(wanted) - found, len(unwanted) - leaked))
            page_f1 = page_f1 if page_f1 is not None else _f1(found, leaked, len(wanted) - found)
        if truth.get("title"):
            expected = norm_title(truth["title"])
            self.title.append(float(expected == norm_title(pred.get("title")) and expected != ""))
        if truth.get("authors"):
            self.authors.append(_set_f1(norm_authors(truth["authors"]), norm_authors(pred.get("authors"))))
        if truth.get("published"):
            self.published.append(float(norm_date(pred.get("published")) == norm_date(truth["published"])))
        return page_f1

    def body_prf(self) -> tuple[float, float, float] | None:
        """(precision, recall, F1) of full bodies, or of snippets when the data has no full bodies."""
        if self.body:
            ps = [_ratio(tp, fp, fn) for tp, fp, fn in self.body if tp + fp > 0]
            rs = [_ratio(tp, fn, fp) for tp, fp, fn in self.body if tp + fn > 0]
            p, r = (fmean(ps) if ps else 0.0), (fmean(rs) if rs else 0.0)
            return p, r, 2 * p * r / (p + r) if p + r else 0.0
        if self.snippets:
            tp, fp, fn, _ = (sum(column) for column in zip(*self.snippets, strict=True))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            return p, r, 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        return None

    def summary(self) -> dict[str, float | None]:
        prf = self.body_prf()
        return {
            "body_precision": prf[0] if prf else None,
            "body_recall": prf[1] if prf else None,
            "body_f1": prf[2] if prf else None,
            "title_accuracy": fmean(self.title) if self.title else None,
            "author_f1": fmean(self.authors) if self.authors else None,
            "date_accuracy": fmean(self.published) if self.published else None,
        }
