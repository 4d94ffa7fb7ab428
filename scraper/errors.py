"""Errors that name what went wrong with one input, so a batch can report it and go on."""


class ExtractError(ValueError):
    """The input cannot be made into an article (empty, binary, undecodable)."""


class UsageError(ValueError):
    """The command's arguments cannot work together (a missing path, options that exclude each other):
    nothing was done. The message says which."""


class WriteError(OSError):
    """An output or state file could not be written (disk full, I/O error). Not one input's failure:
    the run stops, and the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path, self.reason = path, reason
