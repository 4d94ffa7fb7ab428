"""Naija247news specifics: its own stories open with a mixed-case dateline, "Lagos, July 19, 2024
(Naija247news) - ...", which the site hook reads (the shared pattern takes upper-case ones only)."""

from __future__ import annotations

import pytest

from scraper import extract
from tests.support.samples import SAMPLES

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


def test_the_date_is_the_posts_not_a_sidebar_modules() -> None:
    """Without the head's dates, the post's own time element gives the date; the "Popular" sidebar
    module carries an older one."""
    html = (SAMPLES / "naija247news.com" / "senate-minimum-wage-bill-tagdiv-classic.html").read_text("utf-8")
    head = '<meta property="article:published_time" content="2024-07-23T16:48:05+00:00" />'
    assert head in html
    assert extract(html.replace(head, "", 1)).published == "2024-07-23T16:48:05+00:00"
