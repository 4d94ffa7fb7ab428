"""`{run}` in an output name: each run writes its own file, named by its start time (UTC), e.g.
`out/articles-{run}.jsonl` -> `out/articles-20261122T033000Z.jsonl` (`...Z-2.jsonl` for a second run
started in the same second).

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
_RUN = r"(\d{8}T\d{6}Z)(?:-(\d+))?"  # the start time, and a number when a run of that second exists


def run_name(pattern: str, started: datetime) -> str:
    """The output name of the run that started at `started` (UTC)."""
    return pattern.replace(RUN_FIELD, f"{started:%Y%m%dT%H%M%SZ}")


def new_run(pattern: str, started: datetime) -> str:
    """`run_name`, numbered (`...Z-2.jsonl`) when a run of the same second has it: a file is never
    replaced by a later run."""
    stamp, number = f"{started:%Y%m%dT%H%M%SZ}", 1
    name = pattern.replace(RUN_FIELD, stamp)
    while Path(name).exists() or with_suffix(Path(name), PART_SUFFIX).exists():
        number += 1
        name = pattern.replace(RUN_FIELD, f"{stamp}-{number}")
    return name


def _runs(pattern: str, suffix: str) -> list[Path]:
    """The files of the runs of `pattern` whose name ends with `suffix`, oldest first."""
    template = Path(pattern)
    name = re.compile(re.escape(template.name + suffix).replace(re.escape(RUN_FIELD), _RUN))
    folder = template.parent
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        if match := name.fullmatch(path.name):
            found.append((match[1], int(match[2] or 1), path))
    return [path for *_, path in sorted(found)]


def run_files(pattern: str) -> list[Path]:
    """The finished outputs of `pattern`'s runs (none without `{run}`)."""
    return _runs(pattern, "") if RUN_FIELD in pattern else []


def resumed_run(pattern: str, started: datetime) -> tuple[str, set[str]]:
    """The output a resumed run of `pattern` writes (the newest unfinished run's, else its own) and the
    source ids the finished runs hold."""
    unfinished = _runs(pattern, PART_SUFFIX)
    target = str(unfinished[-1]).removesuffix(PART_SUFFIX) if unfinished else new_run(pattern, started)
    done: set[str] = set()
    for output in run_files(pattern):
        sources = with_suffix(output, SOURCES_SUFFIX)
        if sources.exists():
            with open(sources, "rb") as stream:
                done.update(json.loads(line) for line in stream if line.endswith(b"\n"))
    return target, done
