"""`scraper` / `python -m scraper`: one sub-command per module of this package, each of one shape.

A command module has `HELP` (its line in `scraper --help`), `DESCRIPTION` (its `--help`, as written),
`add_arguments(parser)` and `run(args) -> int`, which returns an exit status named in `scraper.status`.
A usage error that argparse cannot see (a missing path, two options that exclude each other) raises
`UsageError`, reported as argparse reports its own: the usage line, `scraper CMD: error: ...`, status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import version

from scraper.errors import UsageError
from scraper.status import INTERRUPTED, OK, USAGE

COMMANDS = ("bench", "clean", "crawl", "fetch", "seed", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scraper", description="Boilerplate-stripping news scraper.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('newsclean')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        command = importlib.import_module(f"{__name__}.{name}")
        command_parser = sub.add_parser(
            name,
            help=command.HELP,
            description=command.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(command_parser)
        command_parser.set_defaults(run=command.run, command_parser=command_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        args.command_parser.print_usage(sys.stderr)
        print(f"{args.command_parser.prog}: error: {error}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `scraper clean ... | head`
        return OK
