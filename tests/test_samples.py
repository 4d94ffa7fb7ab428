"""Golden tests: every sample page cleans to its expected JSON, and every output fits the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from scraper import extract
from scraper.article import content_hash, json_schema, word_count
from tests.support.samples import SAMPLES, golden_params, sample_pages

PAGES = sample_pages()


def _expected(page: Path) -> dict:
    return orjson.loads(page.with_suffix(".json").read_bytes())


def test_every_site_has_samples() -> None:
    """Two pages or more for each site cleaner, and the generic cleaner's front and article pages."""
    for site in ("arabnews.com", "devdiscourse.com", "theweek.com", "naija247news.com", "nknews.org"):
        assert len([p for p in PAGES if p.parent.name == site]) >= 2, site
    generic = [orjson.loads(p.with_suffix(".json").read_bytes()) for p in PAGES]
    generic = [e for e in generic if e["cleaner"]["name"] == "generic"]
    assert {e["is_article"] for e in generic} == {True, False}


@pytest.mark.parametrize("page", golden_params())
def test_golden(page: Path) -> None:
    expected = _expected(page)
    got = extract(page.read_bytes(), url=expected["url"]).to_dict()
    assert list(got) == list(expected), "field order differs"
    mismatches = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not mismatches


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SAMPLES)) for p in PAGES])
def test_expected_json_is_consistent(page: Path) -> None:
    """The hand-written expectations obey the schema and the derived-field rules."""
    expected = _expected(page)
    jsonschema.validate(expected, json_schema())
    assert expected["word_count"] == word_count(expected["body"])
    assert expected["content_hash"] == content_hash(expected["title"], expected["body"])


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SAMPLES)) for p in PAGES])
def test_output_fits_schema_without_url(page: Path) -> None:
    """With no URL the cleaner is chosen by canonical/og:url, and the output still fits the schema."""
    article = extract(page.read_bytes())
    jsonschema.validate(orjson.loads(article.to_json()), json_schema())
    assert article.cleaner == extract(page.read_bytes(), url=_expected(page)["url"]).cleaner
