"""`python tests/support/with_cleaners.py ARGS...` runs `scraper ARGS...` with the site modules found in
the folder named by NEWSCLEAN_EXTRA_CLEANERS registered as if they were in `cleaners/`: a cleaner a test
writes, and changes between two runs, without touching the package. The folder is added at module level
because a crawl's extraction workers are spawned processes, which import this script again as their
main module and so register the same cleaners."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, as `python -m` has it

import cleaners

cleaners.__path__.append(os.environ["NEWSCLEAN_EXTRA_CLEANERS"])

if __name__ == "__main__":
    from scraper.cli import main

    sys.exit(main())
