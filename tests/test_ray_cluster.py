"""`scraper clean --ray` on a real Ray cluster (a head and a worker node on 127.0.0.1, inside a private
network namespace: tests/support/ray_cluster.py) cleaning generated WARC files that a local HTTP server
serves, through a listing: every article exactly once; once more with a Ray worker process killed
(SIGKILL by PID) while it downloads a file; and a --resume after that, which does nothing new."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scraper.status import OK
from tests.support.isolation import isolated, need_isolation_and_ray
from tests.support.outputs import parse_lines
from tests.support.ray_cluster import HELD
from tests.support.warcs import write_warc

FILES = ("a.warc.gz", "b.warc.gz", HELD, "c.warc.gz", "d.warc.gz", "e.warc.gz")
PAGES_PER_FILE = 12


@pytest.fixture(scope="module")
def cluster_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, Any]]:
    """The three runs of the scenario, on one cluster (starting one takes about 10 s)."""
    need_isolation_and_ray()
    workdir = tmp_path_factory.mktemp("ray")
    warcs = workdir / "warcs"
    warcs.mkdir()
    urls = []
    for name in FILES:
        pages = [
            (f"https://www.example.com/{name}/{n}", f"Story {n} of {name}") for n in range(PAGES_PER_FILE)
        ]
        write_warc(warcs / name, pages)
        urls += [url for url, _ in pages]
    (warcs / "warc.paths").write_text("".join(f"{name}\n" for name in FILES))
    done = isolated("tests.support.ray_cluster", str(workdir), timeout=600)
    assert done.returncode == 0, done.stderr[-5000:]
    return workdir, urls, json.loads((workdir / "report.json").read_text())


def shard_urls(folder: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for shard in folder.glob("*.jsonl.gz"):
        found.update(article["url"] for article in parse_lines(gzip.decompress(shard.read_bytes())))
    return found


def manifest(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]


def test_a_listing_served_over_http_is_cleaned_on_the_cluster_every_article_once(cluster_runs) -> None:
    workdir, urls, report = cluster_runs

    assert report["clean"]["status"] == OK, report["clean"]["stderr"]
    assert shard_urls(workdir / "clean") == Counter(urls)
    assert sorted(path.name for path in (workdir / "clean").glob("*.jsonl.gz")) == sorted(
        name.replace(".warc.gz", ".jsonl.gz") for name in FILES
    )
    assert len(manifest(workdir / "clean")) == len(FILES)
    assert f"records seen {len(urls)}, kept {len(urls)}, articles {len(urls)} (" in report["clean"]["stderr"]


def test_a_worker_killed_mid_file_still_leaves_every_article_once(cluster_runs) -> None:
    workdir, urls, report = cluster_runs

    assert report["victim"].startswith("ray::clean_input"), report["victim"]  # a Ray worker, running our task
    assert report["victim_niceness"] == 0  # RAY_worker_niceness=0 took (tests/support/ray_cluster.py)
    assert report["held_requests"] == 2  # the killed task's download, and its retry's
    assert report["killed"]["status"] == OK, report["killed"]["stderr"]
    assert shard_urls(workdir / "killed") == Counter(urls)
    assert sorted(entry["input"].rsplit("/", 1)[1] for entry in manifest(workdir / "killed")) == sorted(FILES)
    assert not list((workdir / "killed").glob(".*.tmp"))


def test_a_resume_after_the_kill_does_nothing_new(cluster_runs) -> None:
    workdir, urls, report = cluster_runs

    assert report["resumed"]["status"] == OK, report["resumed"]["stderr"]
    assert report["resumed"]["stderr"].startswith(f"resuming: {len(FILES)} inputs already done in ")
    assert report["resumed_requests"] == 0
    assert len(manifest(workdir / "killed")) == len(FILES)
    assert shard_urls(workdir / "killed") == Counter(urls)
