"""The service's settings, all of them limits that keep it safe to expose (`scraper serve --help`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from scraper.service.addresses import Allowed

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    workers: int = len(os.sched_getaffinity(0))  # extraction processes
    api_key: str | None = None  # required from clients when set (all routes but /healthz and the docs)
    max_body: int = 10 * MB  # request body, and a fetched page (413 / 502 fetch_too_large)
    head_timeout: float = 10.0  # seconds to receive a request's headers (the connection is closed after)
    body_timeout: float = 30.0  # seconds to receive a request's body (408 after)
    page_timeout: float = 30.0  # seconds to extract one page (504 after)
    fetch_timeout: float = 30.0  # seconds to fetch one page, redirects included (504 after)
    max_redirects: int = 5
    allowed: tuple[Allowed, ...] = ()  # addresses fetch-by-URL may reach although private or loopback
    max_requests: int = 128  # extraction requests served at once, reading included (429 past it)
    max_connections: int = 1000  # open connections (uvicorn answers 503 past it)
