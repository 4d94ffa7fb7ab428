"""Sub-commands of `scraper`. Each module defines `add_parser(subparsers)`, which registers the
command and sets `func` (a callable taking the parsed arguments, returning the exit status)."""
