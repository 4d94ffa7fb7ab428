"""Naija247news specifics: its own stories open with a mixed-case dateline, "Lagos, July 19, 2024
(Naija247news) - ...", which the site hook reads (the shared pattern takes upper-case ones only)."""

from __future__ import annotations

import pytest

from scraper import extract
from tests.conftest import SAMPLES

PAGE = SAMPLES / "naija247news.com" / "nigeria-inflation-eases-july-2024.html"
OPENING = "Lagos, August 15, 2024 (Naija247news) - "


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("Abuja, August 19, 2024 (NAN) - ", "Abuja"),
        ("Port Harcourt, Aug. 15, 2024 (Naija247news) – ", "Port Harcourt"),
        ("Lagos, 15 August 2024 (Reuters) — ", "Lagos"),
        ("", None),  # no dateline: nothing is invented
        ("Lagos is Nigeria's largest city, and (as the NBS said) - ", None),
    ],
)
def test_mixed_case_dateline(opening: str, dateline: str | None) -> None:
    html = PAGE.read_text("utf-8")
    assert OPENING in html
    article = extract(html.replace(OPENING, opening, 1))
    assert article.dateline == dateline
    assert article.body.startswith(opening + "Nigeria’s headline inflation rate")
