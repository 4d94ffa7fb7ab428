"""Where the inputs of a sharded run are cleaned: in local worker processes (the batch engine), or as
tasks on a Ray cluster (`pip install newsclean[ray]`). Both run the same function on each input,
`scraper.shards.clean_input`, and yield its results as the inputs finish; they only schedule.

On Ray, each input is one task of one CPU. A task whose worker process dies (killed, out of memory, its
node lost) is run again by Ray, up to `RAY_RETRIES` times; its shard is written by the run that
finishes, whole, under its final name (`scraper.shards.ShardFile`). An input whose task failed every
time comes back lost, and the batch goes on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scraper.batch import Workers
from scraper.shards import InputResult, InputTask, clean_input

RAY_RETRIES = 3
TASKS_PER_CPU = 2  # in flight on the cluster: enough to keep every CPU busy, few to track


def _key_of(task: InputTask) -> str:
    return task.key


def _lost(task: InputTask, reason: str) -> InputResult:
    return InputResult(task.input, task.span, lost=f"{task.key}: {reason}")


def run_local(tasks: list[InputTask], jobs: int) -> Iterator[InputResult]:
    """The inputs over `jobs` worker processes, one input at a time each (a page's time limit is the
    task's to keep); a worker that dies loses its input, which a resume does again."""
    by_key = {task.key: task for task in tasks}
    with Workers(jobs) as workers:
        yield from workers.map(
            clean_input,
            tasks,
            key=_key_of,
            failed=lambda key, reason: _lost(by_key[key], reason),
            ordered=False,
            chunk_items=1,
        )


def run_on_ray(tasks: list[InputTask], address: str) -> Iterator[InputResult]:
    """The inputs as tasks on the Ray cluster at `address` (`auto`: the one this machine belongs to)."""
    import ray  # the `ray` extra; only here, so that a run without --ray does not need it
    from ray.exceptions import RayError

    ray.init(address=address, log_to_driver=False, logging_level="ERROR")
    try:
        remote = ray.remote(num_cpus=1, max_retries=RAY_RETRIES)(clean_input)
        window = max(int(ray.cluster_resources().get("CPU", 1)) * TASKS_PER_CPU, 1)
        queue = iter(tasks)
        pending: dict[Any, InputTask] = {}
        while True:
            for task in queue:
                pending[remote.remote(task)] = task
                if len(pending) >= window:
                    break
            if not pending:
                return
            [done], _ = ray.wait(list(pending), num_returns=1)
            task = pending.pop(done)
            try:
                yield ray.get(done)
            except RayError as error:  # its worker died every time, or the task could not run
                yield _lost(task, f"its task failed on the cluster: {str(error).splitlines()[0]}")
    finally:
        ray.shutdown()
