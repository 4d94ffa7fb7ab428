"""Where the tests find the project, its samples (with the ones whose truth the code does not give yet)
and `../shared`, the independent truth."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# ../shared beside the worktree; NEWSCLEAN_SHARED names it for runs from a copy (`make mutation`).
SHARED = Path(os.environ.get("NEWSCLEAN_SHARED") or ROOT.parent / "shared")


# Samples whose expected JSON (the truth) the code does not give yet: per sample, the tests that fail
# on it ("golden": tests/test_samples.py, "drift": tests/test_layout_drift.py) and what the code gets
# wrong. Those tests are strict xfails, so a fix shows as a failure until its entry goes.
KNOWN_FAILURES: dict[str, dict[str, str]] = {}


def known_failure(page: Path, test: str) -> list[pytest.MarkDecorator]:
    """The strict xfail mark of `page` in `test` ("golden", "drift"), if it is a known failure there."""
    reason = KNOWN_FAILURES.get(str(page.relative_to(SAMPLES)), {}).get(test)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def sample_pages() -> list[Path]:
    """Every saved page that has its expected JSON beside it."""
    return sorted(p for p in SAMPLES.rglob("*.htm*") if p.with_suffix(".json").exists())


def golden_params() -> list[ParameterSet]:
    """`sample_pages()` as test parameters, the known failures marked as strict xfails."""
    return [
        pytest.param(page, id=str(page.relative_to(SAMPLES)), marks=known_failure(page, "golden"))
        for page in sample_pages()
    ]


def need_shared(path: Path) -> Path:
    """`path` (in ../shared), which a developer may lack: the test skips there, but fails under CI,
    where a skip would hide that the only independent truth was never checked."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing, and CI must check against it")
        pytest.skip(f"{path} is not present")
    return path
