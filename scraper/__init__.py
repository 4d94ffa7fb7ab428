"""A boilerplate-stripping news scraper: `extract(html, url)` turns a page into a clean `Article`."""

from typing import Any

from scraper.article import Article, Image
from scraper.errors import ExtractError

__all__ = ["Article", "ExtractError", "Image", "explain", "extract"]


def __getattr__(name: str) -> Any:
    # `extract` and `explain` are the pipeline's, a layer above the cleaners, and this package's init
    # runs before any core module a cleaner imports: loaded on first use, so that `import cleaners`
    # may come before `import scraper`.
    if name in ("extract", "explain"):
        from scraper import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'scraper' has no attribute {name!r}")
