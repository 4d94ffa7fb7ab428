"""Crawl state: which pages were fetched (and at which `lastmod`) and which articles were emitted, and
the lock a run holds on it. The interface is `spiders.state.base.CrawlState`; the backend is chosen by
the state's URL scheme, here alone: a path is an SQLite file (`spiders.state.sqlite`; `:memory:` for a
one-off), `redis://` and `rediss://` the shared state of a distributed crawl (`spiders.state.redis`,
whose run lock is the worker's lease, `spiders.state.lease`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import urlsplit, urlunsplit

from spiders.state import lease, sqlite
from spiders.state.base import (
    ARTICLE,
    FALLBACK,
    NOT_ARTICLE,
    NOT_HTML,
    UNJUDGED,
    Capture,
    CrawlState,
    LockError,
    LockHeld,
    Pending,
    Rejudge,
    Verdict,
    is_newer,
)
from spiders.state.redis import RedisState

__all__ = [
    "ARTICLE",
    "FALLBACK",
    "NOT_ARTICLE",
    "NOT_HTML",
    "UNJUDGED",
    "Capture",
    "CrawlState",
    "LockError",
    "LockHeld",
    "Pending",
    "Rejudge",
    "Verdict",
    "is_newer",
    "location",
    "open_state",
    "run_lock",
    "scheme",
]

Lock = Callable[[str], AbstractContextManager[None]]

# URL scheme -> the backend's state and run lock; a plain path (no scheme) is an SQLite file.
_BACKENDS: dict[str, tuple[Callable[[str], CrawlState], Lock]] = {
    "": (sqlite.SQLiteState, sqlite.run_lock),
    "redis": (RedisState, lease.run_lock),
    "rediss": (RedisState, lease.run_lock),
}


def scheme(uri: str) -> str:
    """The URL scheme of a crawl state's location; "" for a path."""
    return urlsplit(uri).scheme if "://" in uri else ""


def location(uri: str) -> str:
    """Where a crawl state is, for people: a file by its absolute path, a URI without its password."""
    if not scheme(uri):
        return uri if uri == sqlite.MEMORY else os.path.abspath(uri)
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _backend(uri: str) -> tuple[Callable[[str], CrawlState], Lock]:
    if (backend := _BACKENDS.get(scheme(uri))) is None:
        known = ", ".join(filter(None, _BACKENDS))
        raise ValueError(f"no crawl-state backend for {scheme(uri)!r} (known: {known})")
    return backend


def open_state(uri: str) -> CrawlState:
    """The crawl state at `uri`: a path to an SQLite file (`:memory:` for none), or a Redis URI."""
    return _backend(uri)[0](uri)


def run_lock(uri: str) -> AbstractContextManager[None]:
    """The lock a run holds on the crawl state at `uri` from before it opens the state until its output
    has its final name; raises `LockHeld` when another run holds it, `LockError` when it cannot tell."""
    return _backend(uri)[1](uri)
