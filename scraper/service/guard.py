"""The ASGI middleware in front of every route: the API key, the limit on extraction requests served at
once (past it: 429 at once, rather than a queue that grows without bound), and the counts and latencies
of `/metrics`. An answer it gives itself is JSON, like the app's."""

from __future__ import annotations

import hmac
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scraper.service.config import ServiceConfig
from scraper.service.errors import ServiceError
from scraper.service.metrics import Metrics

EXTRACT = "/v1/extract"
ROUTES = (EXTRACT, "/healthz", "/metrics", "/docs", "/openapi.json")  # metric labels; any other is "other"
OPEN = ("/healthz", "/docs", "/openapi.json")  # no API key needed: liveness probes, documentation
RETRY_AFTER = "1"  # seconds, for a 429


class Guard:
    def __init__(self, app: ASGIApp, config: ServiceConfig, metrics: Metrics) -> None:
        self.app, self.config, self.metrics = app, config, metrics
        self.in_flight = 0  # extraction requests admitted and not yet answered
        self._key = config.api_key.encode() if config.api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        route = path if path in ROUTES else "other"
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if self._key and path not in OPEN and not self._authorized(scope["headers"]):
                await self.reject(
                    sending,
                    ServiceError(
                        401, "unauthorized", "a valid API key is required", {"WWW-Authenticate": "Bearer"}
                    ),
                )
            elif route == EXTRACT:
                await self._admit(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.in_flight >= self.config.max_requests:
            limit = self.config.max_requests
            busy = ServiceError(
                429,
                "overloaded",
                f"{limit} requests are being served; retry later",
                {"Retry-After": RETRY_AFTER},
            )
            await self.reject(send, busy)
            return
        self.in_flight += 1
        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            self.metrics.in_flight.dec()

    def _authorized(self, headers: list[tuple[bytes, bytes]]) -> bool:
        """`Authorization: Bearer KEY` or `X-API-Key: KEY`, compared in constant time."""
        assert self._key is not None
        for name, value in headers:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                value = value[7:].strip()
            elif name != b"x-api-key":
                continue
            if hmac.compare_digest(value, self._key):
                return True
        return False

    async def reject(self, send: Send, error: ServiceError) -> None:
        self.metrics.errors.labels(error.kind).inc()
        body = orjson.dumps(error.body())
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        headers += [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
