"""Exit statuses of every `scraper` command, named in one place for cron, systemd and tests.

A status says what the output can be trusted for: complete; complete but some pages failed; incomplete,
with articles known to be missing (a sitemap or feed could not be read, so the articles it lists were
never seen); failed. The values keep the sysexits conventions where one applies (74 EX_IOERR, 75
EX_TEMPFAIL) and stay clear of them otherwise.
"""

from __future__ import annotations

OK = 0  # complete (also when there was nothing new)
PARTIAL = 1  # complete, but some article pages failed (the summary names the error kinds)
USAGE = 2  # bad arguments: nothing was done
FAILED = 3  # stopped early, nothing could be fetched, or Redis lost the crawl's data
INCOMPLETE = 4  # finished, but a sitemap, feed or start page failed for good: its articles are missing
WRITE_FAILED = 74  # EX_IOERR: the output or the state could not be written (disk full); the run stopped
LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; nothing was done
INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT, the shells' convention)

MEANING = {
    OK: "complete",
    PARTIAL: "complete, but some pages failed",
    USAGE: "usage error",
    FAILED: "failed",
    INCOMPLETE: "incomplete: articles known to be missing",
    WRITE_FAILED: "write failed",
    LOCKED: "locked by another run",
    INTERRUPTED: "interrupted",
}
