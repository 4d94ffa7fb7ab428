"""`scraper serve`: the HTTP extraction service (`scraper.service`) on uvicorn."""

from __future__ import annotations

import argparse
import os
import re
import sys

from scraper.errors import UsageError
from scraper.service.addresses import parse_allowed
from scraper.service.config import MB, ServiceConfig
from scraper.status import FAILED, OK

API_KEY_VARIABLE = "SCRAPER_API_KEY"
HELP = "serve extraction over HTTP (POST /v1/extract)"
DESCRIPTION = f"""\
Serve the extraction pipeline over HTTP: POST a page (or a JSON {{"url": ...}}) to /v1/extract and get
its article as JSON. Also GET /healthz, GET /metrics (Prometheus) and the OpenAPI documentation at
/docs. Extraction runs in worker processes. Fetch-by-URL refuses private, loopback, link-local and
other non-public addresses unless --allow-fetch names them. The API key is read from --api-key or,
better (a command line is visible to every user of the machine), from ${API_KEY_VARIABLE}.
Ready when standard error says: scraper serve: listening on http://HOST:PORT (--port 0: any free port).
SIGTERM stops it gracefully (requests in flight are answered), then it ends by that signal, as service
managers expect. Exit status: 2 usage error, 3 could not start (the address is in use)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = ServiceConfig()
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port (default: %(default)s; 0: any free port)"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=defaults.workers, help="worker processes (default: cores)"
    )
    parser.add_argument(
        "--api-key", help=f"require this key from clients (default: ${API_KEY_VARIABLE}, if set)"
    )
    parser.add_argument(
        "--max-body",
        type=_size,
        default=defaults.max_body,
        metavar="SIZE",
        help="largest request body, and largest fetched page (default: 10M; k, M, G suffixes)",
    )
    seconds = {"type": float, "metavar": "SECONDS"}
    parser.add_argument(
        "--page-timeout",
        default=defaults.page_timeout,
        **seconds,
        help="time limit per page (default: %(default)s)",
    )
    parser.add_argument(
        "--fetch-timeout",
        default=defaults.fetch_timeout,
        **seconds,
        help="time limit to fetch a page, redirects included (default: %(default)s)",
    )
    parser.add_argument(
        "--body-timeout",
        default=defaults.body_timeout,
        **seconds,
        help="time limit to receive a request body (default: %(default)s)",
    )
    parser.add_argument(
        "--head-timeout",
        default=10.0,
        **seconds,
        help="time limit to receive request headers (default: %(default)s)",
    )
    parser.add_argument(
        "--max-redirects",
        type=int,
        default=defaults.max_redirects,
        help="when fetching (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-fetch",
        action="append",
        default=[],
        metavar="ADDRESS[:PORT]",
        help="let fetch-by-URL reach this address or network (10.0.0.0/8, 127.0.0.1:8080, [::1]:8080), "
        "although it is not public; repeatable",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=defaults.max_requests,
        help="extraction requests served at once; more are answered 429 (default: %(default)s)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=1000,
        help="open connections; more are answered 503 (default: 1000)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request on standard output")


def run(args: argparse.Namespace) -> int:
    for name in ("jobs", "max_redirects", "max_requests", "max_connections"):
        if getattr(args, name) < (0 if name == "max_redirects" else 1):
            raise UsageError(f"--{name.replace('_', '-')} {getattr(args, name)}: too small")
    try:
        allowed = tuple(parse_allowed(entry) for entry in args.allow_fetch)
    except ValueError as error:
        raise UsageError(f"--allow-fetch {error}") from None
    config = ServiceConfig(
        workers=args.jobs,
        api_key=args.api_key or os.environ.get(API_KEY_VARIABLE) or None,
        max_body=args.max_body,
        body_timeout=args.body_timeout,
        page_timeout=args.page_timeout,
        fetch_timeout=args.fetch_timeout,
        max_redirects=args.max_redirects,
        allowed=allowed,
        max_requests=args.max_requests,
    )
    from scraper.service.server import serve  # here: the web stack loads only for this command

    try:
        started = serve(
            config,
            args.host,
            args.port,
            head_timeout=args.head_timeout,
            max_connections=args.max_connections,
            access_log=args.access_log,
        )
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        print(f"scraper serve: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return FAILED
    return OK if started else FAILED


def _size(text: str) -> int:
    """`10M`, `512k`, `1G` or bytes."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMgG]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is no size (e.g. 10M, 512k, 1000000)")
    number, unit = match.groups()
    return int(float(number) * {"": 1, "k": 1024, "m": MB, "g": 1024 * MB}[unit.lower()])
