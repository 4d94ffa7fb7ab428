"""Listing files: one input a line, as Common Crawl publishes CC-NEWS (`warc.paths.gz`: the month's WARC
files, by their path on the crawl's server). A listing is a local file or a URL, gzipped or not; its
lines are resolved against a base (a URL or a folder), blank lines and `#` comments are skipped."""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

from scraper.remote import DEFAULT_RETRY, RemoteError, RemoteFile, Retry, is_url, url_path

LISTING_SUFFIXES = (".paths", ".paths.gz")
MAX_LISTING_BYTES = 64 * 1024 * 1024  # a month of CC-NEWS lists a few hundred files in a few kB


def is_listing(path: str) -> bool:
    return (url_path(path) if is_url(path) else path).lower().endswith(LISTING_SUFFIXES)


def resolve(line: str, base: str | None) -> str:
    """A listed path as an input: URLs as they are; other lines joined to `base` (a URL or a folder)."""
    if is_url(line) or not base:
        return line
    if is_url(base):
        return urljoin(base if base.endswith("/") else f"{base}/", line.lstrip("/"))
    return os.path.join(base, line)


def read_listing(path: str, base: str | None, retry: Retry = DEFAULT_RETRY) -> list[str]:
    """The inputs a listing names, in its order. Raises `OSError` or `RemoteError` when it cannot be
    read (a usage error: the run cannot know its inputs)."""
    with RemoteFile(path, retry) if is_url(path) else open(path, "rb") as stream:
        data = stream.read(MAX_LISTING_BYTES + 1)
    if len(data) > MAX_LISTING_BYTES:
        raise OSError(f"larger than {MAX_LISTING_BYTES // 2**20} MiB: not a listing")
    if data.startswith(b"\x1f\x8b"):
        data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_LISTING_BYTES + 1)
    lines = (line.strip() for line in data.decode("utf-8").splitlines())
    return [resolve(line, base) for line in lines if line and not line.startswith("#")]


def with_listings(paths: Iterable[str], base: str | None, retry: Retry = DEFAULT_RETRY) -> Iterator[str]:
    """The arguments with each listing replaced by the inputs it names."""
    for path in paths:
        if is_listing(path):
            try:
                yield from read_listing(path, base, retry)
            except (OSError, RemoteError, UnicodeDecodeError, EOFError) as error:
                raise ListingError(f"cannot read the listing {path}: {error}") from error
        else:
            yield path


class ListingError(ValueError):
    """A listing could not be read: the run cannot know its inputs."""
