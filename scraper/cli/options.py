"""Options that several commands share: the body format and extras of the records (`clean`, `crawl`,
`fetch`, `bench`) and the languages to keep (`clean`, `crawl`)."""

from __future__ import annotations

import argparse

from scraper.language import parse_languages
from scraper.render import BODY_FORMATS, EXTRAS


def _extras(value: str) -> tuple[str, ...]:
    extras = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if unknown := [extra for extra in extras if extra not in EXTRAS]:
        raise argparse.ArgumentTypeError(f"{', '.join(unknown)}: not one of {', '.join(EXTRAS)}")
    return extras


def _languages(value: str) -> frozenset[str]:
    try:
        return parse_languages([value])
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_body_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--body",
        choices=BODY_FORMATS,
        default="text",
        help="the body's format: text (default), or markdown or html, which keep headings, lists, quotes, "
        "tables, emphasis, links and figures",
    )
    parser.add_argument(
        "--with",
        dest="extras",
        type=_extras,
        default=(),
        metavar="links,images",
        help="add the article's links and/or images to each record",
    )


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        type=_languages,
        default=frozenset(),
        metavar="en,de",
        help="keep only articles in these languages (declared by the page, else detected from the text); "
        "the others are counted, not written",
    )
