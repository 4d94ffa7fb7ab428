"""The batch engine: one function over many items in worker processes, each item's outcome back in input
order (or as it finishes), a time limit per item, and flat memory whatever the size of the input.

    with Workers(jobs, setup, setup_args) as workers:  # forked processes; `setup` runs once in each
        for outcome in workers.map(work, items, key=source_of, failed=failure, timeout=60):
            ...

Items go to the workers in chunks (a round trip to a worker costs about 0.3 ms, a page a few ms), and
only a few chunks per worker are in flight: the input is read as the work goes, never ahead of it
(`Executor.map` would read it all first). `work` runs on one item within the time limit
(`scraper.limits`); an item whose work raises, or whose worker dies with it in flight (killed for
memory, or crashed in C code), fails alone: its outcome is `failed(key, reason)`, and a fresh pool takes
the next chunks. Workers are forked after the caller has imported what the work needs, so each imports
it once; they leave Ctrl-C to the caller and die with it.

A caller that gets items one at a time (the HTTP service) submits each alone: `workers.submit(work,
item, ...)` is a future of its outcome, with the same failures and time limit as `map`.
`in_process(work, items, ...)` does the same as `map` in the calling process, for a caller that is
itself a worker (a task cleaning one input on a Ray cluster): an item fails alone there too."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from scraper.errors import ExtractError
from scraper.limits import PageTimeout, time_limit

T = TypeVar("T")  # an item
R = TypeVar("R")  # an item's outcome

CHUNK_ITEMS = 8  # items sent to a worker at once
CHUNK_BYTES = 4 * 1024 * 1024  # ...or fewer when they are big
CHUNKS_PER_WORKER = 3  # in flight: enough to keep a worker busy while the caller reads and writes

# Kinds of failure, passed to `failed` beside the reason, for callers that answer each differently.
INVALID = "invalid"  # the input is no page (an `ExtractError`): the reason says why
TIMEOUT = "timeout"  # the work took longer than the time limit
ERROR = "error"  # the work raised anything else: a bug this item hit
DIED = "died"  # the worker process died with the item in flight


@dataclass(frozen=True, slots=True)
class _Failed:
    """Why an item's work raised, sent back from the worker in its outcome's place."""

    reason: str
    kind: str


def _setup_worker(caller: int, setup: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    if sys.platform == "linux":  # a worker must not outlive a killed caller (1 = PR_SET_PDEATHSIG)
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
        if os.getppid() != caller:  # killed between the fork and the line above: no signal will come
            os._exit(1)
    if setup is not None:
        setup(*args)


def _run_one(work: Callable[[T], R], timeout: float | None, item: T) -> R | _Failed:
    """`work` on one item. Never raises: a bug hit by one item is that item's failure, not the batch's."""
    try:
        with time_limit(timeout):
            return work(item)
    except PageTimeout as error:
        return _Failed(str(error), TIMEOUT)
    except ExtractError as error:  # what is wrong with the input: its message says it
        return _Failed(str(error), INVALID)
    except Exception as error:
        return _Failed(f"{type(error).__name__}: {error}", ERROR)


def _run_chunk(work: Callable[[T], R], timeout: float | None, chunk: list[T]) -> list[R | _Failed]:
    """In a worker: `work` on each item of the chunk."""
    return [_run_one(work, timeout, item) for item in chunk]


def in_process(
    work: Callable[[T], R],
    items: Iterable[T],
    *,
    key: Callable[[T], str],
    failed: Callable[[str, str, str], R],
    timeout: float | None = None,
) -> Iterator[R]:
    """The outcome of `work` on each item, in this process, in input order; as `Workers.map` gives."""
    for item in items:
        outcome = _run_one(work, timeout, item)
        yield failed(key(item), outcome.reason, outcome.kind) if isinstance(outcome, _Failed) else outcome


def _no_size(item: object) -> int:
    return 0


class Workers:
    """A pool of worker processes that outlives the death of a worker: the chunks in flight then fail,
    and a fresh pool takes the next ones. `setup(*setup_args)` runs once in each worker."""

    def __init__(self, jobs: int, setup: Callable[..., None] | None = None, setup_args: tuple[Any, ...] = ()):
        self.jobs = jobs
        self._setup = (setup, setup_args)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")  # workers inherit what the caller imported
        return ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_setup_worker, initargs=(os.getpid(), *self._setup)
        )

    def _submit(self, work: Callable[[T], R], timeout: float | None, chunk: list[T]) -> Future[list[Any]]:
        try:
            return self._pool.submit(_run_chunk, work, timeout, chunk)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False)
            self._pool = self._start()
            return self._pool.submit(_run_chunk, work, timeout, chunk)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def submit(
        self,
        work: Callable[[T], R],
        item: T,
        *,
        key: Callable[[T], str],
        failed: Callable[[str, str, str], R],
        timeout: float | None = None,
    ) -> Future[R]:
        """The outcome of `work` on one item, as a future that never fails: an item that fails has the
        outcome `failed(key(item), reason, kind)`, as in `map`. Call it from one thread."""
        keys = [key(item)]
        outcome: Future[R] = Future()
        chunk = self._submit(work, timeout, [item])
        chunk.add_done_callback(lambda done: outcome.set_result(_outcomes(keys, done, failed)[0]))
        return outcome

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def map(
        self,
        work: Callable[[T], R],
        items: Iterable[T],
        *,
        key: Callable[[T], str],
        failed: Callable[[str, str, str], R],
        ordered: bool = True,
        timeout: float | None = None,
        size: Callable[[T], int] = _no_size,
        chunk_items: int = CHUNK_ITEMS,
    ) -> Iterator[R]:
        """The outcome of `work` (a picklable function) on each item, in input order or as they finish.
        An item that fails has the outcome `failed(key(item), reason, kind)`, `kind` one of the kinds
        above. Items are sent in chunks of `chunk_items` (1 for items that each take long), or fewer
        when their `size` (bytes) adds up to `CHUNK_BYTES`."""
        limit = self.jobs * CHUNKS_PER_WORKER
        pending: dict[Future[list[Any]], list[str]] = {}  # in submission order, to the chunk's keys

        def finished(block: bool) -> Iterator[R]:
            """The chunks done: the oldest only when ordered; waiting for one if `block`."""
            while pending:
                candidates = [next(iter(pending))] if ordered else list(pending)
                done, _ = wait(candidates, timeout=None if block else 0, return_when=FIRST_COMPLETED)
                if not done:
                    return
                for future in [future for future in pending if future in done]:
                    yield from _outcomes(pending.pop(future), future, failed)
                block = False

        for chunk in _chunks(items, size, chunk_items):
            pending[self._submit(work, timeout, chunk)] = [key(item) for item in chunk]
            yield from finished(block=len(pending) >= limit)
        while pending:
            yield from finished(block=True)


def _chunks(items: Iterable[T], size: Callable[[T], int], chunk_items: int) -> Iterator[list[T]]:
    """Items in groups, so that the cost of a round trip to a worker is shared by several items."""
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += size(item)
        if len(chunk) == chunk_items or total >= CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def _outcomes(keys: list[str], future: Future[list[Any]], failed: Callable[[str, str, str], R]) -> list[R]:
    try:
        results = future.result()
    except BrokenProcessPool:
        reason = "the worker process died with this page in flight (killed, out of memory, or crashed)"
        kind = DIED
    except Exception as error:  # the results could not come back from the worker
        reason, kind = f"worker failed: {error}", ERROR
    else:
        return [
            failed(k, r.reason, r.kind) if isinstance(r, _Failed) else r
            for k, r in zip(keys, results, strict=True)
        ]
    return [failed(k, reason, kind) for k in keys]
