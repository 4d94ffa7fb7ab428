"""Shared paths for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def sample_pages() -> list[Path]:
    """Every saved page that has its expected JSON beside it."""
    return sorted(p for p in SAMPLES.rglob("*.htm*") if p.with_suffix(".json").exists())


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
