"""The HTTP service's app (FastAPI): `POST /v1/extract`, `GET /healthz`, `GET /metrics`, and the OpenAPI
documentation FastAPI serves (`/docs`, `/openapi.json`).

A page is extracted in the batch engine's worker processes (`scraper.batch`), by the same worker code as
`scraper clean` (`scraper.jobs.clean_page`), under the page time limit: the event loop only reads
requests, fetches pages and writes answers, so one slow page never holds up the others. At most
`2 x workers` pages are at the workers at once; the others wait here, their number bounded by the
guard's limit on requests (`scraper.service.guard`). Every error answers JSON (`ServiceError`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException

from scraper import batch
from scraper.article import json_schema
from scraper.batch import Workers
from scraper.jobs import Outcome, clean_page, failure, source_of
from scraper.render import EXTRAS
from scraper.service.config import ServiceConfig
from scraper.service.errors import ServiceError
from scraper.service.fetch import Fetcher, FetchLimits
from scraper.service.guard import EXTRACT, Guard
from scraper.service.metrics import Metrics
from scraper.sources import RawPage

PAGES_PER_WORKER = 2  # at the workers at once: one being extracted, one ready to go
GRACE = 5.0  # seconds past the page time limit before the answer is 504 even if the worker is stuck
# How each kind of failed extraction (`scraper.batch`) is answered.
FAILURES = {
    batch.INVALID: (422, "not_a_page"),
    batch.TIMEOUT: (504, "page_timeout"),
    batch.DIED: (503, "worker_died"),
    batch.ERROR: (500, "extract_failed"),
}
BodyFormat = Literal["text", "markdown", "html"]  # scraper.render.BODY_FORMATS
WITH: tuple[str, ...] = EXTRAS  # what `with` may add to an article


class ExtractJSON(BaseModel):
    """A JSON request: `url` alone fetches the page; with `html`, `url` is only its address."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    url: str | None = Field(None, description="The page's address; fetched when html is absent")
    html: str | None = Field(None, description="The page itself")
    body: BodyFormat = Field("text", description="What the article's body is written in")
    with_: list[str] = Field([], alias="with", description=f"What to add to the article: {WITH}")


@dataclass
class Extraction:
    """What the app shares between requests: the worker pool, the fetcher, the metrics."""

    config: ServiceConfig
    workers: Workers
    fetcher: Fetcher
    metrics: Metrics
    slots: asyncio.Semaphore  # pages at the workers

    async def article(self, page: RawPage, body: str = "text", with_: tuple[str, ...] = ()) -> bytes:
        """The page's article line (JSON), or a `ServiceError` for the kind of failure. `body`, `with_`
        as for `extract`."""
        timeout = self.config.page_timeout
        work = partial(clean_page, body=body, with_=with_)
        async with self.slots:
            future = self.workers.submit(work, page, key=source_of, failed=failure, timeout=timeout)
            try:
                outcome: Outcome = await asyncio.wait_for(asyncio.wrap_future(future), timeout + GRACE)
            except TimeoutError:  # stuck in C code that the worker's own limit cannot interrupt
                outcome = failure(
                    page.source, f"took longer than {timeout:g} s (the page time limit)", batch.TIMEOUT
                )
        if outcome.line is None:
            status, kind = FAILURES[outcome.kind or batch.ERROR]
            raise ServiceError(status, kind, f"{page.source}: {outcome.error}")
        if outcome.fallback:
            self.metrics.fallbacks.labels(outcome.fallback).inc()
        return outcome.line


def create_app(config: ServiceConfig) -> FastAPI:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The workers are forked here, before the app runs any thread of its own.
        workers = Workers(config.workers)
        fetcher = Fetcher(
            FetchLimits(config.max_body, config.fetch_timeout, config.max_redirects, config.allowed)
        )
        app.state.extraction = Extraction(
            config, workers, fetcher, metrics, asyncio.Semaphore(config.workers * PAGES_PER_WORKER)
        )
        await app.state.extraction.article(RawPage("warm-up", b"<html><body><p>ready</p></body></html>"))
        try:
            yield
        finally:
            await fetcher.close()
            workers.close()

    app = FastAPI(
        title="newsclean",
        summary="Clean news articles from web pages: the article and only the article, with its metadata.",
        description=DESCRIPTION,
        version="1",
        lifespan=lifespan,
    )
    app.add_middleware(Guard, config=config, metrics=metrics)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        return _error(metrics, error)

    @app.exception_handler(HTTPException)  # Starlette's own: no such route, a method the route has not
    async def http_error(request: Request, error: HTTPException) -> Response:
        kind = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_")  # not_found, ...
        return _error(metrics, ServiceError(error.status_code, kind, str(error.detail), error.headers))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return _error(metrics, _bad_request(error.errors()))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        return _error(metrics, ServiceError(500, "internal", f"{type(error).__name__}: {error}"))

    @app.post(
        EXTRACT,
        summary="Extract the article from a page",
        response_class=Response,
        responses=RESPONSES,
        openapi_extra={"requestBody": REQUEST_BODY},
    )
    async def extract(
        request: Request,
        url: Annotated[str | None, Query(description="the page's address (an HTML body)")] = None,
        body: Annotated[BodyFormat, Query(description="what the article's body is written in")] = "text",
        with_: Annotated[
            str | None, Query(alias="with", description="comma-separated: " + ", ".join(WITH))
        ] = None,
    ) -> Response:
        """The request body is the page's HTML (any content type but JSON; its charset is used), with the
        options in the query string; or a JSON object: `{"url": ...}` fetches the page, `{"url": ...,
        "html": ...}` extracts the HTML given. The answer is the article, as one record of the article
        format (the JSON Schema of `scraper/article.schema.json`)."""
        extraction: Extraction = request.app.state.extraction
        content = await _read_body(request, config)
        content_type = request.headers.get("content-type")
        if _is_json(content_type):
            if request.query_params:
                raise ServiceError(422, "bad_request", "with a JSON body, options go in the JSON object")
            try:
                asked = ExtractJSON.model_validate_json(content)
            except ValidationError as error:
                raise _bad_request(error.errors()) from None
            body, extras = asked.body, _check_with(asked.with_)
            if asked.html is not None:
                page = RawPage(asked.url or "request", asked.html, asked.url)
            elif asked.url:
                fetched = await extraction.fetcher.fetch(asked.url)
                page = RawPage(asked.url, fetched.content, fetched.url, fetched.content_type)
            else:
                raise ServiceError(422, "bad_request", "a JSON request needs url, html or both")
        else:
            extras = _check_with(with_.split(",") if with_ else [])
            page = RawPage(url or "request", content, url or None, content_type)
        line = await extraction.article(page, body, extras)
        return Response(line, media_type="application/json")

    @app.get("/healthz", summary="Liveness: the service answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return app


async def _read_body(request: Request, config: ServiceConfig) -> bytes:
    """The request body, at most `max_body` bytes (413 past it, before reading when the length is
    announced), received within `body_timeout` seconds (408 after: a client that trickles)."""
    limit = config.max_body
    too_large = ServiceError(413, "too_large", f"the request body is larger than {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    content = bytearray()
    try:
        async with asyncio.timeout(config.body_timeout):
            async for chunk in request.stream():
                content += chunk
                if len(content) > limit:
                    raise too_large
    except TimeoutError:
        raise ServiceError(
            408, "slow_client", f"the request body took over {config.body_timeout:g} s"
        ) from None
    return bytes(content)


def _is_json(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";")[0].strip().lower() == "application/json"


def _check_with(parts: list[str]) -> tuple[str, ...]:
    """The extras asked for, or 422 for one that does not exist."""
    if unknown := [part for part in parts if part not in WITH]:
        raise ServiceError(422, "bad_request", f"with: {', '.join(unknown)} not among {', '.join(WITH)}")
    return tuple(parts)


def _bad_request(errors: Any) -> ServiceError:
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return ServiceError(422, "bad_request", where)


def _error(metrics: Metrics, error: ServiceError) -> Response:
    metrics.errors.labels(error.kind).inc()
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


DESCRIPTION = """\
POST a page (or a URL) to `/v1/extract`, get its article: one JSON record of the article format.

Every error answers `{"error": KIND, "detail": MESSAGE}`: 401 `unauthorized` (the service has an API key:
send `Authorization: Bearer KEY` or `X-API-Key: KEY`), 403 `url_refused` (a URL that is not http(s), or
whose address is private, loopback, link-local or otherwise not public), 408 `slow_client`, 413
`too_large`, 422 `bad_request` or `not_a_page`, 429 `overloaded` (retry after the `Retry-After`
seconds), 500 `extract_failed` or `internal`, 502 `fetch_failed` or `fetch_too_large`, 503
`worker_died` (the worker is replaced; retry), 504 `page_timeout` or `fetch_timeout`."""

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The article", "content": {"application/json": {"schema": json_schema()}}},
    **{
        status: {"description": what, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}
        for status, what in (
            (403, "The URL may not be fetched"),
            (413, "The request body or the fetched page is too large"),
            (422, "The request or the page is not valid"),
            (429, "Too many requests at once"),
            (502, "The page could not be fetched"),
            (504, "The page took longer than the time limit"),
        )
    },
}
REQUEST_BODY = {
    "required": True,
    "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": ExtractJSON.model_json_schema(by_alias=True)},
    },
}
