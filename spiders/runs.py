"""Output files per run, for scheduled crawls: with `{run}` in the output name, each run writes its own
file, named by its start time and tagged with its crawl state while it is written
(`articles-20261122T033000Z.jsonl.<tag>.part`), and gives it its final name when it ends. A killed run's
part file is settled and renamed by the next run of the same state; other states' files are theirs, and
never replaced."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from scraper.sinks.files import PART_SUFFIX as PART  # suffix of an output file while its run writes it
from scraper.sinks.runs import RUN_FIELD, run_name
from spiders.state import scheme
from spiders.state.sqlite import MEMORY


def state_tag(state: str) -> str:
    """A short name for a crawl state, in its runs' part files: two crawls with different states that
    write one `{run}` folder (two cron entries) each settle only their own. A `:memory:` state keeps
    nothing to settle a killed run's file with: its tag is its process's own."""
    if state == MEMORY:
        identity = f"{MEMORY}{os.getpid()}"
    else:  # a Redis URI as given (with its worker); a file by its real path, however it is spelled
        identity = state if scheme(state) else os.path.realpath(state)
    return hashlib.sha256(identity.encode()).hexdigest()[:8]


_TAGGED_PART = re.compile(rf"\.[0-9a-f]{{8}}{re.escape(PART)}$")  # `.<state tag>.part`


def written_as(path: str) -> str:
    """The name of the file a run writes once the run ends (`articles-...Z.jsonl.gz` for
    `articles-...Z.jsonl.gz.<tag>.part`): its extensions say its format and compression."""
    return _TAGGED_PART.sub("", path)


def run_output(pattern: str, started: datetime, state: str) -> tuple[Path, Path]:
    """(the file a run writes, the name it gets when the run ends) for an output name that may hold
    `{run}`: `articles-20261122T033000Z.jsonl.<state tag>.part`, then `articles-20261122T033000Z.jsonl`.
    Without `{run}` both are the same file, appended to by every run."""
    if RUN_FIELD not in pattern:
        return Path(pattern), Path(pattern)
    final = Path(run_name(pattern, started))
    return final.with_name(f"{final.name}.{state_tag(state)}{PART}"), final


def finish_outputs(pattern: str, state: str) -> list[Path]:
    """Give their final names to the part files of `pattern` written with `state`: this run's, and those
    of its killed runs, whose last lines the crawl's recovery has settled by now. Call it with the run
    lock held. Part files of other states are theirs to settle."""
    if RUN_FIELD not in pattern:
        return []
    template = Path(pattern)
    tag = state_tag(state)
    suffix = f".{tag}{PART}"
    return [
        _settle(part, part.with_name(part.name.removesuffix(suffix)), tag)
        for part in sorted(template.parent.glob(template.name.replace(RUN_FIELD, "*") + suffix))
    ]


def _settle(part: Path, final: Path, tag: str) -> Path:
    """Rename `part` to `final` without replacing a file of the same name: two crawls of other states
    that started in the same second (two cron entries) name their runs alike, and the second to end
    takes a name with its state's tag (`articles-20261122T033000Z-<tag>.jsonl`). A hard link, then the
    unlink: a rename would replace; a run killed between the two leaves both names on one file, which
    the next run tells apart from another crawl's file."""
    stem, dot, extensions = final.name.partition(".")
    for name in (final, final.with_name(f"{stem}-{tag}{dot}{extensions}")):
        try:
            os.link(part, name)
        except FileExistsError:
            if not os.path.samefile(part, name):
                continue
        part.unlink()
        return name
    raise FileExistsError(f"cannot settle {part}: {final} and its tagged name belong to other runs")
