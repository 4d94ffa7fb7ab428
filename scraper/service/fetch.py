"""Fetch-by-URL for the service (httpx), safe to offer to anyone who can reach it:

- only `http` and `https`, on the first URL and on every redirect;
- the host name is resolved, and every address it resolves to is checked (`addresses.refusal`), at each
  connection: the first one and the one after each redirect. The connection then goes to the checked
  address, so a name that resolves elsewhere a moment later (DNS rebinding) cannot slip through;
- at most `max_redirects` redirects, followed here one by one;
- the response is read as a stream and cut off past `max_bytes` (at once when its length is announced
  as more), so an endless or huge response costs no memory. A compressed one is inflated here, at most
  to the limit (httpx would inflate a whole network chunk at once: 64 kB of a gzip bomb make 64 MB);
- the whole fetch, redirects included, within `timeout` seconds (a server that trickles is cut off);
- no proxy from the environment: the address checked is the address connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from scraper.identity import USER_AGENT
from scraper.service.addresses import Allowed, refusal
from scraper.service.errors import ServiceError

SCHEMES = ("http", "https")
ENCODINGS = ("gzip", "x-gzip", "deflate")  # asked for, and inflated by `_read`


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int
    timeout: float
    max_redirects: int
    allowed: tuple[Allowed, ...] = ()


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str | None


class Refused(Exception):
    """A URL or address the service will not fetch from; the message says why."""


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses that `refusal` lets through."""

    def __init__(self, allowed: tuple[Allowed, ...]) -> None:
        self._allowed = allowed
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self._checked_address(host, port)
        return await self._backend.connect_tcp(address, port, timeout, local_address, socket_options)

    async def _checked_address(self, host: str, port: int) -> str:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
        # Every address the name has must be allowed: one refused among them is reason enough.
        for address in addresses:
            if reason := refusal(address, port, self._allowed):
                raise Refused(f"{host}: {reason}" if host != str(address) else reason)
        return str(addresses[0])

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None):
        raise Refused("no Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, allowed: tuple[Allowed, ...]) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend: its pool is replaced by the same pool with ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_CheckedBackend(allowed),
        )


class Fetcher:
    """Fetches pages for the service under `FetchLimits`; one per app (it pools connections)."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        self._client = httpx.AsyncClient(
            transport=_CheckedTransport(limits.allowed),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=limits.timeout,
            follow_redirects=False,
            trust_env=False,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str) -> Fetched:
        """The page at `url`, or a `ServiceError`: 403 `url_refused`, 502 `fetch_failed` or
        `fetch_too_large`, 504 `fetch_timeout`."""
        try:
            async with asyncio.timeout(self.limits.timeout):
                return await self._follow(url)
        except TimeoutError:
            raise ServiceError(
                504, "fetch_timeout", f"{url}: no complete answer within {self.limits.timeout:g} s"
            ) from None
        except Refused as error:
            raise ServiceError(403, "url_refused", f"{url}: {error}") from None
        except httpx.InvalidURL as error:
            raise ServiceError(422, "bad_request", f"{url!r} is no URL: {error}") from None
        except httpx.HTTPError as error:
            raise ServiceError(502, "fetch_failed", f"{url}: {type(error).__name__}: {error}") from None

    async def _follow(self, url: str) -> Fetched:
        for hop in range(self.limits.max_redirects + 1):
            if urlsplit(url).scheme.lower() not in SCHEMES:
                where = f"redirected to {url!r}, " if hop else ""
                raise Refused(f"{where}not an http or https URL")
            async with self._client.stream("GET", url) as response:
                if response.is_redirect:
                    url = urljoin(str(response.url), response.headers["location"])
                    continue
                if response.status_code >= 400:
                    status = response.status_code
                    raise ServiceError(502, "fetch_failed", f"{url}: the server answered {status}")
                content = await self._read(url, response)
                return Fetched(str(response.url), content, response.headers.get("content-type"))
        raise ServiceError(502, "fetch_failed", f"more than {self.limits.max_redirects} redirects")

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        too_large = ServiceError(502, "fetch_too_large", f"{url}: the page is larger than {cap} bytes")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in (*ENCODINGS, "identity", ""):
            raise ServiceError(502, "fetch_failed", f"{url}: unknown content encoding {encoding!r}")
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding in ENCODINGS else None  # gzip or zlib
        content = bytearray()
        async for chunk in response.aiter_raw():
            try:  # at most one byte past the limit: enough to know the page is too large
                content += inflater.decompress(chunk, cap + 1 - len(content)) if inflater else chunk
            except zlib.error as error:
                raise ServiceError(502, "fetch_failed", f"{url}: broken {encoding} data: {error}") from None
            if len(content) > cap:
                raise too_large
        return bytes(content)
