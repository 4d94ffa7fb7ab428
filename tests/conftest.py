"""Shared paths for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def sample_pages() -> list[Path]:
    """Every saved page that has its expected JSON beside it."""
    return sorted(p for p in SAMPLES.rglob("*.htm*") if p.with_suffix(".json").exists())


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
