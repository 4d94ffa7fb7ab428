"""A boilerplate-stripping news scraper: `extract(html, url)` turns a page into a clean `Article`."""

from scraper.article import Article, Image
from scraper.errors import ExtractError
from scraper.pipeline import explain, extract

__all__ = ["Article", "ExtractError", "Image", "explain", "extract"]
