"""`{run}` in an output name: each run writes its own file, named by its start time (UTC), e.g.
`out/articles-{run}.jsonl` -> `out/articles-20261122T033000Z.jsonl`.

For `scraper clean --resume`, the runs of one name are one output: the unfinished run (its `.part`
files, left by a kill) is continued under its own name, and the pages in the finished runs' files are
not done again, so a cleaner started from cron over a growing folder writes each page once, into the
file of the run that cleaned it. (The crawl's own runs are in `spiders.runs`.)"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from scraper.sinks.files import PART_SUFFIX, SOURCES_SUFFIX, with_suffix

RUN_FIELD = "{run}"
_STAMP = r"\d{8}T\d{6}Z"


def run_name(pattern: str, started: datetime) -> str:
    """The output name of the run that started at `started` (UTC)."""
    return pattern.replace(RUN_FIELD, f"{started:%Y%m%dT%H%M%SZ}")


def _runs(pattern: str, suffix: str) -> list[Path]:
    """The files of the runs of `pattern` whose name ends with `suffix`, oldest first."""
    template = Path(pattern)
    name = re.compile(re.escape(template.name + suffix).replace(re.escape(RUN_FIELD), _STAMP))
    folder = template.parent
    found = [path for path in folder.iterdir() if name.fullmatch(path.name)] if folder.is_dir() else []
    return sorted(found)


def run_files(pattern: str) -> list[Path]:
    """The finished outputs of `pattern`'s runs (none without `{run}`)."""
    return _runs(pattern, "") if RUN_FIELD in pattern else []


def resumed_run(pattern: str, started: datetime) -> tuple[str, set[str]]:
    """The output a resumed run of `pattern` writes (the newest unfinished run's, else its own) and the
    source ids the finished runs hold."""
    unfinished = _runs(pattern, PART_SUFFIX)
    target = str(unfinished[-1]).removesuffix(PART_SUFFIX) if unfinished else run_name(pattern, started)
    done: set[str] = set()
    for output in run_files(pattern):
        sources = with_suffix(output, SOURCES_SUFFIX)
        if sources.exists():
            with open(sources, "rb") as stream:
                done.update(json.loads(line) for line in stream if line.endswith(b"\n"))
    return target, done
