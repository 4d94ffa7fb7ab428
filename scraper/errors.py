"""Errors that name what went wrong with one input, so a batch can report it and go on."""


class ExtractError(ValueError):
    """The input cannot be made into an article (empty, binary, undecodable)."""
