"""Worker processes for CPU work, fed from the event loop itself.

`concurrent.futures.ProcessPoolExecutor` talks to its workers through two helper threads in the calling
process. In a crawl those threads take the GIL from the reactor on every page: measured, the reactor
then stalled about 1 ms a page on the pool's wake-up pipe, and fetching slowed. Here each worker has one
pipe; the event loop reads a result when it is there (`add_reader`), and a task is sent only to an idle
worker, so a send never waits on a busy one. A worker leaves when its pipe closes, which is also what
happens when the crawl is killed. A worker that dies is replaced; its task fails with `WorkerDied`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class WorkerDied(RuntimeError):
    pass


def _serve(conn: Connection, function: Callable[..., Any], initializer: Callable[[], None]) -> None:
    initializer()
    while True:
        try:
            args = conn.recv()
        except (EOFError, ConnectionResetError):  # the crawl closed the pool, or was killed
            return
        try:
            outcome: tuple[bool, Any] = (True, function(*args))
        except Exception as error:
            outcome = (False, error)
        try:
            conn.send(outcome)
        except Exception as error:  # an exception that does not pickle
            conn.send((False, RuntimeError(f"{type(error).__name__}: {error}")))


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.task: asyncio.Future[Any] | None = None


class WorkerPool:
    def __init__(self, size: int, function: Callable[..., Any], initializer: Callable[[], None]) -> None:
        # spawn, not fork: forking a process that runs a reactor and threads is unsafe
        self.context = multiprocessing.get_context("spawn")
        self.target = (function, initializer)
        self.loop = asyncio.get_event_loop()
        self.waiting: deque[tuple[tuple[Any, ...], asyncio.Future[Any]]] = deque()
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs, *self.target), daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.loop.add_reader(ours.fileno(), self._receive, worker)
        return worker

    async def run(self, *args: Any) -> Any:
        """`function(*args)` in a worker process."""
        future = self.loop.create_future()
        self.waiting.append((args, future))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        for worker in self.workers:
            while worker.task is None and self.waiting:
                args, future = self.waiting.popleft()
                if not future.cancelled():
                    worker.task = future
                    worker.conn.send(args)

    def _receive(self, worker: _Worker) -> None:
        task, worker.task = worker.task, None
        try:
            ok, value = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            if task and not task.done():
                task.set_exception(WorkerDied(f"extraction worker {worker.process.pid} died"))
        else:
            if task and not task.done():
                task.set_result(value) if ok else task.set_exception(value)
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        self.loop.remove_reader(worker.conn.fileno())
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def close(self) -> None:
        for worker in self.workers:
            self.loop.remove_reader(worker.conn.fileno())
            worker.conn.close()  # the worker sees EOF and leaves
        for worker in self.workers:
            worker.process.join(5)
        for future in (f for _, f in self.waiting if not f.done()):
            future.cancel()
