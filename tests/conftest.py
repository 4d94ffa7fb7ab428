"""Shared paths for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# ../shared beside the worktree; NEWSCLEAN_SHARED names it for runs from a copy (`make mutation`).
SHARED = Path(os.environ.get("NEWSCLEAN_SHARED") or ROOT.parent / "shared")


# Samples whose expected JSON (the truth) the code does not give yet, and what it gets wrong: their
# golden tests are strict xfails, so a fix shows as a failure until its entry goes.
KNOWN_FAILURES = {
    "arabnews.com/red-sea-reefs-recover-drupal10.html": (
        "no arabnews layout matches Drupal 9/10 field markup: the generic cleaner takes the page and loses "
        "the summary bullets and the photo caption"
    ),
    "naija247news.com/senate-minimum-wage-bill-tagdiv-classic.html": (
        "the tagdiv-classic layout reads no caption: the featured image's figcaption goes with its figure"
    ),
    "nknews.org/wonsan-resort-russian-tourists-2024-theme.html": (
        "no nknews layout matches a page without #fullContent: the generic cleaner takes it and keeps the "
        "'Edited by' and 'Featured image:' sign-offs as text (no credit)"
    ),
}


def sample_pages() -> list[Path]:
    """Every saved page that has its expected JSON beside it."""
    return sorted(p for p in SAMPLES.rglob("*.htm*") if p.with_suffix(".json").exists())


def golden_params() -> list[ParameterSet]:
    """`sample_pages()` as test parameters, the known failures marked as strict xfails."""
    params = []
    for page in sample_pages():
        name = str(page.relative_to(SAMPLES))
        reason = KNOWN_FAILURES.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(page, id=name, marks=marks))
    return params


def need_shared(path: Path) -> Path:
    """`path` (in ../shared), which a developer may lack: the test skips there, but fails under CI,
    where a skip would hide that the only independent truth was never checked."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing, and CI must check against it")
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def shared() -> Path:
    return need_shared(SHARED)
