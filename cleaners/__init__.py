"""Cleaners: one module per site (see `cleaners.base`) plus the generic cleaner for every other site.

The registry imports every module of this package that defines ``CLEANER``, so adding a site is adding
one file."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from cleaners.base import SiteCleaner


@cache
def site_cleaners() -> dict[str, SiteCleaner]:
    """Domain -> cleaner, for every site module in this package."""
    registry: dict[str, SiteCleaner] = {}
    for module in pkgutil.iter_modules(__path__):
        cleaner = getattr(importlib.import_module(f"{__name__}.{module.name}"), "CLEANER", None)
        if isinstance(cleaner, SiteCleaner):
            for domain in cleaner.domains:
                registry[domain.lower()] = cleaner
    return registry


def cleaner_for(host: str | None) -> SiteCleaner | None:
    """The site cleaner for a host name, matching the domain or any of its subdomains."""
    if not host:
        return None
    host = host.lower().rstrip(".")
    registry = site_cleaners()
    while host:
        if host in registry:
            return registry[host]
        host = host.partition(".")[2]
    return None
