"""Sites and cleaners: one module per site (see `cleaners.base`) plus the generic cleaner for every
other site.

The registry imports every module of this package that declares a ``SITE`` (and, with it, its
``CLEANER``), so adding a site is adding one file. Start URLs marked "platform default" follow the
site's CMS convention and were not seen on the live site; the feeds the sample pages themselves link
to, and the article URL patterns, are the sites' own."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from cleaners.base import SiteCleaner
from scraper.site import Site


@cache
def _site_modules() -> tuple[ModuleType, ...]:
    modules = (importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__))
    return tuple(module for module in modules if isinstance(getattr(module, "SITE", None), Site))


@cache
def sites() -> dict[str, Site]:
    """Every declared site, by name."""
    return {module.SITE.name: module.SITE for module in _site_modules()}


@cache
def site_cleaners() -> dict[str, SiteCleaner]:
    """Domain -> cleaner, for every site module with a cleaner."""
    registry: dict[str, SiteCleaner] = {}
    for module in _site_modules():
        cleaner = getattr(module, "CLEANER", None)
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
