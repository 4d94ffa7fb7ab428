"""Running the app on uvicorn (h11), with what uvicorn leaves out for a service exposed to anyone:

- a deadline on each request's head: uvicorn waits for request headers without limit, so a client that
  sends them a byte at a time (slowloris) would hold a connection forever. Here a connection whose
  request head is not complete within `head_timeout` seconds of its opening, or of its previous answer,
  is closed. The body has its own limit in the app (`body_timeout`).
- a bound on the body read after an early answer: when the app answers before reading the whole body
  (413), uvicorn goes on reading and dropping it, for the connection's sake. An honest client sends its
  body before it reads the answer, so a body a little over the limit is still read (up to `drain`
  bytes more) and the client gets its 413; a client that goes on (a 2 GB upload) is cut off there.
- a cap on connections (`max_connections`; uvicorn answers 503 past it).
- the port bound before uvicorn starts, so that port 0 (any free port) can be read back: the line
  `scraper serve: listening on http://HOST:PORT` on standard error says the service is ready."""

from __future__ import annotations

import asyncio
import socket
import sys
from functools import partial
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from scraper.service.app import create_app
from scraper.service.config import ServiceConfig

READY = "scraper serve: listening on http://{host}:{port}"


class _HeadDeadlineH11(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head takes too long."""

    def __init__(self, *args: Any, head_timeout: float, drain: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timeout = head_timeout
        self._deadline: asyncio.TimerHandle | None = None
        self._drain = drain
        self._dropped = 0  # body bytes received after the answer

    def data_received(self, data: bytes) -> None:
        if self.cycle is not None and self.cycle.response_complete and self.conn.their_state is h11.SEND_BODY:
            self._dropped += len(data)
            if self._dropped > self._drain:
                self.transport.close()
                return
        super().data_received(data)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        self._dropped = 0
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self._head_timeout, self._expire, self.cycle)

    def _expire(self, cycle: Any) -> None:
        """No new request head since the deadline was set (the cycle is the same), and none in progress."""
        if self.cycle is cycle and (cycle is None or cycle.response_complete):
            self.transport.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. Its protocol is named (`socket.create_server` leaves it 0): asyncio turns
    Nagle's algorithm off only on connections of a socket that says it is TCP, and with Nagle on, an
    answer's body waits for the client's delayed acknowledgement of its head: 40 ms a request."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class _Server(uvicorn.Server):
    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and sockets:
            host, port = sockets[0].getsockname()[:2]
            print(READY.format(host=host, port=port), file=sys.stderr, flush=True)


def serve(config: ServiceConfig, host: str, port: int, *, access_log: bool = False) -> bool:
    """Serve until SIGINT or SIGTERM; False if the service could not start (its lifespan failed).
    Raises `OSError` when the address cannot be bound."""
    sock = _listen(host, port)
    protocol = partial(_HeadDeadlineH11, head_timeout=config.head_timeout, drain=config.max_body)
    uvicorn_config = uvicorn.Config(
        create_app(config),
        http=protocol,  # type: ignore[arg-type]
        lifespan="on",
        limit_concurrency=config.max_connections,
        access_log=access_log,
        timeout_graceful_shutdown=int(config.page_timeout),
    )
    server = _Server(uvicorn_config)
    server.run(sockets=[sock])
    return server.started
