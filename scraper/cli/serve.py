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


def _size(text: str) -> int:
    """`10M`, `512k`, `1G` or bytes."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMgG]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is no size (e.g. 10M, 512k, 1000000)")
    number, unit = match.groups()
    return int(float(number) * {"": 1, "k": 1024, "m": MB, "g": 1024 * MB}[unit.lower()])


_METAVARS = {float: "SECONDS", int: "N", _size: "SIZE"}
# The limits, each an option named after its `ServiceConfig` field: (type, smallest value, help).
LIMITS = {
    "max_body": (_size, 1, "largest request body, and largest fetched page (k, M, G suffixes)"),
    "page_timeout": (float, 0.001, "seconds to extract a page (504 after)"),
    "fetch_timeout": (float, 0.001, "seconds to fetch a page, redirects included (504 after)"),
    "head_timeout": (float, 0.001, "seconds to receive a request's headers (the connection is closed after)"),
    "body_timeout": (float, 0.001, "seconds to receive a request's body (408 after)"),
    "max_redirects": (int, 0, "redirects followed when fetching"),
    "max_requests": (int, 1, "extraction requests served at once; more are answered 429"),
    "max_connections": (int, 1, "open connections; more are answered 503"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = ServiceConfig()
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s; 0: any free)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=defaults.workers, help="worker processes (default: cores)"
    )
    parser.add_argument(
        "--api-key", help=f"require this key from clients (default: ${API_KEY_VARIABLE}, if set)"
    )
    for field, (kind, _, help_) in LIMITS.items():
        default = getattr(defaults, field)
        shown = f"{default // MB}M" if field == "max_body" else default
        option = f"--{field.replace('_', '-')}"
        parser.add_argument(
            option, type=kind, default=default, metavar=_METAVARS[kind], help=f"{help_} (default: {shown})"
        )
    parser.add_argument(
        "--allow-fetch",
        action="append",
        default=[],
        metavar="ADDRESS[:PORT]",
        help="let fetch-by-URL reach this address or network (10.0.0.0/8, 127.0.0.1:8080, [::1]:8080), "
        "although it is not public; repeatable",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request on standard output")


def run(args: argparse.Namespace) -> int:
    limits = {field: getattr(args, field) for field in LIMITS}
    for field, value in [("jobs", args.jobs), *limits.items()]:
        if value < (LIMITS[field][1] if field in LIMITS else 1):
            raise UsageError(f"--{field.replace('_', '-')} {value}: too small")
    try:
        allowed = tuple(parse_allowed(entry) for entry in args.allow_fetch)
    except ValueError as error:
        raise UsageError(f"--allow-fetch {error}") from None
    api_key = args.api_key or os.environ.get(API_KEY_VARIABLE) or None
    config = ServiceConfig(workers=args.jobs, api_key=api_key, allowed=allowed, **limits)
    from scraper.service.server import serve  # here: the web stack loads only for this command

    try:
        started = serve(config, args.host, args.port, access_log=args.access_log)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        print(f"scraper serve: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return FAILED
    return OK if started else FAILED
