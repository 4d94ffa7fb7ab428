"""The run lock of a worker of a distributed crawl: a Redis key per worker name, which is its lease.

Workers with different names share one frontier on purpose; two runs of the same worker must not. The
key is renewed every second and expires `LEASE` seconds after its last renewal, so it dies with its
process. Other workers take a worker whose lease expired for dead and reclaim its requests
(`spiders.distributed`). A run that finds its worker name's lease held waits up to one lease for it to
expire (the run before it was just killed) before it gives up with `LockHeld`.

The thread that renews the lease also compares the crawl's run id in Redis with the one it started
with: a Redis restarted without persistence, or replaced, lost the shared state, and the worker exits
with FAILED at once rather than crawl on against an empty state (emitting every article again).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from redis import Redis
from redis.exceptions import RedisError

from scraper.status import FAILED
from spiders.state.base import LockError, LockHeld, holder
from spiders.state.keys import RUN_ID, lock_key
from spiders.state.redis import connect, ensure_run_id, split_url

logger = logging.getLogger(__name__)

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
def run_lock(uri: str, lease: float = LEASE) -> Iterator[None]:
    """Hold the lease of the worker named in `uri` (see `spiders.state.redis.split_url`) while it runs."""
    url, worker = split_url(uri)
    db, key, token = connect(url), lock_key(worker), holder()
    try:
        current = _take(db, key, token, lease)
        run_id = ensure_run_id(db) if current is None else ""
    except RedisError as error:
        db.close()
        raise LockError(f"cannot reach Redis at {url} ({error})") from error
    if current:
        db.close()
        raise LockHeld(f"worker {worker!r} is already running ({current})")
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
