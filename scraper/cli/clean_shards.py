"""`scraper clean INPUT... -o FOLDER/`: each input (a WARC or JSON Lines dump, local or remote) into its
own shard, `FOLDER/NAME.jsonl.gz`, by local worker processes (`-j`) or as tasks on a Ray cluster
(`--ray`); the manifest of the inputs done, for `--resume`; the report. The shards and the manifest are
`scraper.shards`, where the inputs run `scraper.schedulers`."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from contextlib import closing
from functools import partial
from pathlib import Path

import orjson

from scraper.cli.clean_report import Report
from scraper.errors import UsageError, WriteError
from scraper.remote import RemoteError, Retry, is_url, remote_size
from scraper.schedulers import run_local, run_on_ray
from scraper.shards import MANIFEST, InputTask, Manifest, plan
from scraper.sinks.files import LineFile
from scraper.site_filter import SiteFilter
from scraper.sources import STDIN, Counts, expand, is_dump
from scraper.status import FAILED, LOCKED, WRITE_FAILED


def is_folder(output: str | None) -> bool:
    """-o names a folder of shards: an existing folder, or a name ending in /."""
    return bool(output) and (output.endswith(("/", os.sep)) or os.path.isdir(output))


def _check_usage(args: argparse.Namespace, inputs: list[str]) -> None:
    options = ("--url", args.url), ("--templates", args.templates), ("--explain", args.explain)
    for option, given in (*options, ("--format", args.format)):
        if given:
            raise UsageError(f"{option} is not for -o FOLDER/ (one shard per input)")
    if STDIN in inputs:
        raise UsageError("-o FOLDER/ writes one shard per input file: not for standard input (-)")
    pages = [path for path in inputs if not is_dump(path)]
    if pages:
        raise UsageError(
            f"-o FOLDER/ takes dumps (WARC, JSON Lines), one shard each; pages go to -o FILE: {pages[0]}"
        )
    if args.ray and importlib.util.find_spec("ray") is None:
        raise UsageError("--ray needs Ray: pip install 'newsclean[ray]'")
    if args.split_mb is not None and args.split_mb <= 0:
        raise UsageError("--split-mb must be more than 0")
    if not args.resume and os.path.exists(os.path.join(args.output, MANIFEST)):
        raise UsageError(
            f"{args.output} holds the manifest of another run: --resume to finish it, or another folder"
        )


def _size(input: str, retry: Retry) -> int | None:
    """The size of an input file, to split it (None: unknown; its task reports why it cannot be read)."""
    try:
        return remote_size(input, retry) if is_url(input) else os.path.getsize(input)
    except (OSError, RemoteError):
        return None


def run(args: argparse.Namespace, paths: list[str], sites: SiteFilter | None, retry: Retry) -> int:
    folder = Path(args.output)
    inputs = list(expand(paths, {os.path.realpath(args.errors)} if args.errors else ()))
    _check_usage(args, inputs)
    folder.mkdir(exist_ok=True)
    try:
        manifest = Manifest(folder, resume=args.resume)
    except BlockingIOError:
        print(f"scraper clean: another run is writing {folder}; nothing was done", file=sys.stderr)
        return LOCKED
    split = int(args.split_mb * 2**20) if args.split_mb else None
    try:
        todo = plan(inputs, folder, manifest, split, partial(_size, retry=retry))
    except ValueError as error:
        manifest.close()
        raise UsageError(str(error)) from error
    if args.resume:
        print(f"resuming: {len(manifest.done)} inputs already done in {folder}", file=sys.stderr)
    timeout = args.page_timeout or None
    tasks = [InputTask(input, shard, sites, timeout, retry, span) for input, span, shard in todo]
    report = Report(sys.stderr.isatty(), Counts())
    errors = LineFile(Path(args.errors), append=args.resume) if args.errors else None
    results = run_on_ray(tasks, args.ray) if args.ray else run_local(tasks, args.jobs)
    try:
        with closing(results):
            for result in results:
                report.counts.records += result.records
                report.counts.kept += result.kept
                report.fallbacks.update(result.fallbacks)
                report.count(pages=result.lines, articles=result.articles)
                for source, reason in result.failures:
                    report.message(f"{source}: {reason}")
                    report.count(failed=1)
                    if errors:
                        errors.write(orjson.dumps({"source": source, "error": reason}))
                if result.write_error:
                    report.message(
                        f"scraper clean: {result.write_error}; stopped (--resume goes on from here)"
                    )
                    return WRITE_FAILED
                if result.lost:
                    report.lose(result.lost)
                    if errors:
                        errors.write(orjson.dumps({"source": result.key, "error": result.lost}))
                else:
                    manifest.record(result)
    except WriteError as error:
        report.message(f"scraper clean: {error}; stopped (--resume goes on from here)")
        return WRITE_FAILED
    except ConnectionError as error:  # Ray found no cluster at the address
        report.message(f"scraper clean: cannot reach the Ray cluster at {args.ray}: {error}")
        return FAILED
    finally:
        manifest.close()
        if errors:
            errors.close()
        report.close()
    done = len(tasks) - len(report.lost)
    print(f"inputs: {done} of {len(tasks)} done into {folder}", file=sys.stderr)
    return report.summary(counts=True)
