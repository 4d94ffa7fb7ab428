"""Safe scheduled runs: a run lock per crawl state, output files rolled over per run, exit statuses.

The lock is an `flock` on `<state>.lock` for an SQLite state, and a Redis key per worker name for a
Redis state (workers with different names share one frontier on purpose; two runs of the same worker
must not). Both die with their process: the kernel drops the `flock` at once; the Redis key is the
worker's lease, renewed every second and expiring `LEASE` seconds after its last renewal. Other workers
take a worker whose lease expired for dead and reclaim its requests (`spiders.distributed`). A run that
finds its worker name's lease held waits up to one lease for it to expire (the run before it was just
killed) before it gives up with `LockHeld`.

The thread that renews the lease also compares the crawl's run id in Redis with the one it started
with: a Redis restarted without persistence, or replaced, lost the shared state, and the worker exits
with FAILED at once rather than crawl on against an empty state (emitting every article again).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from scraper.state_redis import PREFIX, RUN_ID, connect, ensure_run_id, split_url
from scraper.status import FAILED

logger = logging.getLogger(__name__)

RUN_FIELD = "{run}"  # in an output name: the run's start time, e.g. articles-20261122T031500Z.jsonl
PART = ".part"  # suffix of an output file while its run writes it


class LockError(Exception):
    """The lock could not be taken; the message says why."""


class LockHeld(LockError):
    """Another run holds the lock; the message says which."""


def lock_key(worker: str) -> str:
    return f"{PREFIX}lock:{worker}"


def _holder() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)  # the state beside it is created there too
    with open(path, "a+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "unknown holder"
            raise LockHeld(f"another crawl holds {path} ({holder})") from None
        file.truncate(0)
        file.write(_holder() + "\n")
        file.flush()
        yield  # closing the file releases the lock


LEASE = 5.0  # seconds a worker's lease (its run lock) outlives its last renewal
RENEW = 1.0  # seconds between renewals

# Renew the lease while it holds our token (1), take it again if it expired in a Redis outage (2), or
# tell that another run holds it (0) or that the crawl's run id is gone or changed (-1).
_RENEW = """
if redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0
"""
# Release the key only while it still holds our token.
_RELEASE = "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end return redis.call('DEL', KEYS[1])"


def _take(db: Redis, key: str, token: str, lease: float) -> str | None:
    """Take the lease, waiting up to one lease for a dead run's to expire; None, else its holder."""
    deadline = time.monotonic() + lease + RENEW
    while True:
        # Compared with our token: a SET retried after a lost reply finds the key it set itself.
        if db.set(key, token, nx=True, px=int(lease * 1000)) or db.get(key) == token.encode():
            return None
        if time.monotonic() > deadline:
            return (db.get(key) or b"").decode() or "a run that just ended"
        time.sleep(RENEW / 4)


def _renew(db: Redis, key: str, token: str, run_id: str, worker: str, lease: float) -> None:
    """One renewal of the lease; exits the process when the crawl's state is gone or the name taken."""
    outcome = db.eval(_RENEW, 2, key, RUN_ID, token, int(lease * 1000), run_id)
    if outcome == -1:
        logger.critical(
            "The crawl's run id in Redis is gone or changed: Redis was restarted without persistence, "
            "or replaced, and the shared crawl state is lost. Stopping worker %r (exit %d); see the "
            "README on Redis persistence before crawling again",
            worker,
            FAILED,
        )
        os._exit(FAILED)
    if outcome == 0:
        logger.critical("Another run took the lease of worker %r: stopping (exit %d)", worker, FAILED)
        os._exit(FAILED)
    if outcome == 2:
        logger.warning("The lease of worker %r expired (a Redis outage?) and was taken again", worker)


@contextmanager
def redis_lock(uri: str, lease: float = LEASE) -> Iterator[None]:
    url, worker = split_url(uri)
    db, key, token = connect(url), lock_key(worker), _holder()
    try:
        holder = _take(db, key, token, lease)
        run_id = ensure_run_id(db) if holder is None else ""
    except RedisError as error:
        db.close()
        raise LockError(f"cannot reach Redis at {url} ({error})") from error
    if holder:
        db.close()
        raise LockHeld(f"worker {worker!r} is already running ({holder})")
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW):
            try:
                _renew(db, key, token, run_id, worker, lease)
            except RedisError as error:  # keep renewing through a Redis restart
                logger.warning("could not renew the lease %s: %s", key, error)

    thread = threading.Thread(target=renew, name="lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with suppress(RedisError):  # else the key expires by itself
            _renew(db, key, token, run_id, worker, lease)  # a last look at the run id
            db.eval(_RELEASE, 1, key, token)
        db.close()


@contextmanager
def run_lock(state: str) -> Iterator[None]:
    """Hold the lock on a crawl state (a path or a `redis://` URI) for the duration of a run."""
    if state.startswith(("redis://", "rediss://")):
        with redis_lock(state):
            yield
    elif state == ":memory:":  # nothing persists, nothing to protect
        yield
    else:
        with file_lock(Path(f"{state}.lock")):
            yield


def state_tag(state: str) -> str:
    """A short name for a crawl state, in its runs' part files: two crawls with different states that
    write one `{run}` folder (two cron entries) each settle only their own. A `:memory:` state keeps
    nothing to settle a killed run's file with: its tag is its process's own."""
    if state == ":memory:":
        identity = f":memory:{os.getpid()}"
    else:  # a Redis URI as given (with its worker); a file by its real path, however it is spelled
        identity = state if "://" in state else os.path.realpath(state)
    return hashlib.sha256(identity.encode()).hexdigest()[:8]


def run_output(pattern: str, started: datetime, state: str) -> tuple[Path, Path]:
    """(the file a run writes, the name it gets when the run ends) for an output name that may hold
    `{run}`: `articles-20261122T033000Z.jsonl.<state tag>.part`, then `articles-20261122T033000Z.jsonl`.
    Without `{run}` both are the same file, appended to by every run."""
    if RUN_FIELD not in pattern:
        return Path(pattern), Path(pattern)
    final = Path(pattern.replace(RUN_FIELD, f"{started:%Y%m%dT%H%M%SZ}"))
    return final.with_name(f"{final.name}.{state_tag(state)}{PART}"), final


def finish_outputs(pattern: str, state: str) -> list[Path]:
    """Give their final names to the part files of `pattern` written with `state`: this run's, and those
    of its killed runs, whose last lines the crawl's recovery has settled by now. Call it with the run
    lock held. Part files of other states are theirs to settle."""
    if RUN_FIELD not in pattern:
        return []
    template = Path(pattern)
    suffix = f".{state_tag(state)}{PART}"
    finished = []
    for part in sorted(template.parent.glob(template.name.replace(RUN_FIELD, "*") + suffix)):
        final = part.with_name(part.name.removesuffix(suffix))
        part.rename(final)
        finished.append(final)
    return finished
