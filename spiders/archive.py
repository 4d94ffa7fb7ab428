"""Archive-first crawling (`WARC_DIR`, `scraper crawl --warc DIR`): a downloader middleware that writes
every response the crawl receives, with its request, to WARC files (`spiders.warc`), and that answers a
request for a page to re-judge from the archive instead of the network.

It sits next to the downloader (`DOWNLOADER_MIDDLEWARES` 950), so it sees each response as it came:
redirects, errors, robots.txt, sitemaps and feeds too, every retry, and bodies still compressed as the
server sent them (the archive keeps the `Content-Encoding`; only `Transfer-Encoding` goes, since Scrapy
has already undone the chunking), so that reading a record back decodes exactly as the crawl did.

Writing is synchronous, on the reactor thread: the crawl benchmark measures what it costs
(`benchmarks/bench_crawl.py`). The guarantee that comes with it: an article page's response is in the
archive before the spider sees it, and the crawl state records where (`CrawlState.archived`) before it
is written. A run killed at any point leaves the page either archived, and judged from the archive by
the next run, or not archived, and fetched again: the archive holds each article page once.

With `WARC_REVISITS`, an article page fetched again with the same payload (by its digest) is archived as
a `revisit` record that refers to the first capture.
"""

from __future__ import annotations

import io
import json
import re
import socket
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import version
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from scraper.article import fetch_time
from scraper.errors import WriteError
from spiders.runs import state_tag
from spiders.state import Capture, CrawlState
from spiders.summary import ARTICLE, role_of, write_failed
from spiders.warc import WarcFiles, read_record, settle

FETCHED_AT = "fetched_at"  # request meta: when its response was fetched (its WARC-Date when archived)
ARCHIVED = "archived"  # request meta: (WARC file, offset) of a page to re-judge from the archive
_SERVED = "from_archive"  # request meta: its response came from the archive, not the network
_DROPPED_HEADERS = {"transfer-encoding"}  # undone by Scrapy before the body reaches a middleware
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s\"]*@")  # user:password@ in a URL setting


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _fields(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
        if name.decode("latin-1").lower() not in _DROPPED_HEADERS
    ]


def crawl_info(settings: BaseSettings, worker: str) -> dict[str, str]:
    """The warcinfo record's fields: the software, its version, the crawl's settings (those the project
    or the command line set; passwords in URLs left out)."""
    chosen = {
        name: value
        for name, value in settings.items()
        if settings.getpriority(name) is not None and settings.getpriority(name) >= 20  # project and up
    }
    dump = json.dumps(chosen, default=str, sort_keys=True)
    libraries = ", ".join(f"{name}/{version(name)}" for name in ("Scrapy", "warcio"))
    return {
        "software": f"newsclean/{version('newsclean')} ({libraries})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
        "worker": worker,
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "http-header-user-agent": settings.get("USER_AGENT"),
        "crawl-settings": _CREDENTIALS.sub("", dump),
    }


class WarcArchive:
    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder
        settings = crawler.settings
        self.max_size = settings.getint("WARC_MAX_SIZE")
        self.level = settings.getint("WARC_GZIP_LEVEL")
        self.revisits = settings.getbool("WARC_REVISITS")
        self.files: WarcFiles | None = None
        self.worker = ""
        crawler.signals.connect(self.open, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        folder = crawler.settings.get("WARC_DIR")
        if not folder:
            raise NotConfigured  # no WARC_DIR: nothing archived (and no warning in the log)
        return cls(crawler, Path(folder))

    @property
    def state(self) -> CrawlState:
        return self.crawler.spider.crawl_state  # type: ignore[union-attr]

    def open(self, spider: Spider) -> None:
        """Settle what a killed run of this worker left open, then start this run's files. The item
        pipeline's recovery has run by now (it opens first): an emit it undid is re-judged from here."""
        settings = self.crawler.settings
        self.worker = archive_worker(settings, spider.state_uri)  # type: ignore[attr-defined]
        for path in settle(self.folder, self.worker):
            spider.logger.info("Closed %s, left open by a killed run", path)
        info = crawl_info(settings, self.worker)
        started = datetime.now(UTC)
        self.files = WarcFiles(self.folder, self.worker, started, self.max_size, self.level, info)

    def close(self) -> None:
        if self.files:
            self.files.close()

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"crawl/{key}")

    # -- re-judging from the archive --
    def process_request(self, request: Request) -> Response | None:
        """The archived response of a page to re-judge, when its file is in this crawl's WARC folder
        and holds it; else the request goes to the network."""
        location = request.meta.pop(ARCHIVED, None)
        if location is None:
            return None
        (warc, offset), url = location, request.url
        path = self.folder / warc
        if not path.is_file():
            return None
        for record in read_record(path, offset):
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                request.meta[_SERVED] = True
                request.meta[FETCHED_AT] = record.rec_headers.get_header("WARC-Date")
                self._count("from_archive")
                return self._response(request, record)
        return None

    @staticmethod
    def _response(request: Request, record: ArcWarcRecord) -> Response:
        http = record.http_headers
        headers = Headers(http.headers)
        body = record.raw_stream.read()  # as the server sent it: the compression middleware decodes it
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        status = int(http.get_statuscode())
        return cls(url=request.url, status=status, headers=headers, body=body, request=request)

    # -- archiving --
    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.pop(_SERVED, False):
            return response
        assert self.files is not None
        try:
            self._archive(request, response)
        except WriteError as error:
            write_failed(self.crawler, error)
            raise IgnoreRequest(f"not archived: {error}") from error
        return response

    def _archive(self, request: Request, response: Response) -> None:
        assert self.files is not None
        builder = self.files.builder
        fetched_at = request.meta[FETCHED_AT] = fetch_time()
        warc_headers = {"WARC-Date": fetched_at}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        http = StatusAndHeaders(
            f"{response.status} {_reason(response.status)}".strip(),
            _fields(response.headers),
            protocol=response.protocol or "HTTP/1.1",
        )
        record = builder.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        article = role_of(request) == ARTICLE and 200 <= response.status < 300
        earlier = self.state.capture(response.url) if article and self.revisits else None
        if earlier is not None and earlier.digest == digest:
            record = builder.create_revisit_record(
                response.url, digest, response.url, earlier.fetched_at, http, warc_headers
            )
            self._count("revisits")
        records = [record, self._request_record(request, record, fetched_at)]
        data = builder.to_bytes(records)
        position = self.files.reserve(len(data))
        if article:
            urls = list(dict.fromkeys([*request.meta.get("redirect_urls", []), response.url]))
            capture = earlier or Capture(position.warc, position.offset, fetched_at, digest)
            self.state.archived(urls, request.cb_kwargs.get("lastmod"), capture)
        self.files.write(data)

    def _request_record(self, request: Request, response: ArcWarcRecord, fetched_at: str) -> ArcWarcRecord:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [("Host", parts.netloc), *_fields(request.headers)]
        http = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
        concurrent = response.rec_headers.get_header("WARC-Record-ID")
        return self.files.builder.create_warc_record(  # type: ignore[union-attr]
            request.url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": fetched_at, "WARC-Concurrent-To": concurrent},
        )


def archive_worker(settings: BaseSettings, state_uri: str) -> str:
    """Whose files these are: a distributed worker's name; on one machine, the tag of the crawl state
    (two crawls of other states may share a WARC folder, and each settles only its own files)."""
    return settings.get("REDIS_WORKER") if settings.get("REDIS_URL") else state_tag(state_uri)
