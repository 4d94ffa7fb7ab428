"""`scraper` / `python -m scraper`: one sub-command per module in `scraper.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from scraper import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scraper", description="Boilerplate-stripping news scraper.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.add_parser(sub)  # each registers itself and sets `func`
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 success, 1 some inputs failed, 2 usage error (argparse's convention)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `scraper clean ... | head`
        return 0
