"""Layout drift: every site cleaner's samples, changed the way redesigns change real pages.

Whatever cleaner ends up with a mutated page (the site's own, or the generic one it falls back to),
at least 90% of the article's text comes out, and nothing of a story appended below it or of a prompt
inserted into it. The mutations (`tests.support.redesign`) know nothing of the cleaners' selectors
except, for the class mutations, the class names the cleaners drop: a redesign that puts one of them on
<body> or on a wrapper of the story must not take the story with it."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from cleaners import cleaner_for
from scraper import extract
from scraper.bench_score import body_match
from tests.support.redesign import MUTATIONS, NEXT_PARAS, NEXT_TITLE, PROMPTS, containers_renamed
from tests.support.samples import SAMPLES, known_failure, sample_pages

# The samples of the sites that have a cleaner (the sample's folder is its domain).
SITE_PAGES = [page for page in sample_pages() if cleaner_for(page.parent.name) is not None]
CASES = [
    pytest.param(page, name, id=f"{page.relative_to(SAMPLES)}: {name}", marks=known_failure(page, "drift"))
    for page in SITE_PAGES
    for name in MUTATIONS
]


@pytest.mark.parametrize(("page", "mutation"), CASES)
def test_a_redesign_keeps_the_story(page: Path, mutation: str) -> None:
    expected = orjson.loads(page.with_suffix(".json").read_bytes())
    html = MUTATIONS[mutation](page.read_text("utf-8"), page.parent.name)
    article = extract(html, url=expected["url"])
    tp, _, fn = body_match(expected["body"], article.body)
    assert tp / (tp + fn) >= 0.9, f"{article.cleaner}: {article.body[:300]!r}"
    assert article.is_article
    for text in (NEXT_TITLE, *NEXT_PARAS, *PROMPTS.values()):
        assert text not in article.body, f"{article.cleaner} kept {text!r}"


def test_the_mutations_change_the_pages() -> None:
    """Each mutation changes every sample, and the renaming one defeats each site cleaner's layouts."""
    for page in SITE_PAGES:
        html = page.read_text("utf-8")
        for name, mutation in MUTATIONS.items():
            if name != "article turned into div" or "<article" in html:
                assert mutation(html, page.parent.name) != html, (page, name)
        expected = orjson.loads(page.with_suffix(".json").read_bytes())
        renamed = extract(containers_renamed(html, page.parent.name), url=expected["url"])
        assert renamed.cleaner.fallback_from == cleaner_for(page.parent.name).name, page
