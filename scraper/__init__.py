"""A boilerplate-stripping news scraper: `extract(html, url)` turns a page into a clean `Article`."""

from typing import Any

from scraper.article import Article, Image
from scraper.errors import ExtractError

__all__ = ["Article", "ExtractError", "Image", "explain", "extract"]


def __getattr__(name: str) -> Any:
    # The pipeline imports the cleaners, which import the core modules of this package: loading it
    # on first use lets `import cleaners` come before `import scraper`.
    if name in ("extract", "explain"):
        from scraper import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'scraper' has no attribute {name!r}")
