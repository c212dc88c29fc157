"""The library's own errors. The CLI turns them into one-line messages."""

# Set (to "1") by `claimcheck --debug`: unexpected exceptions propagate instead of becoming a
# skipped input, so their traceback is shown. An environment variable, so worker processes see it too.
DEBUG_ENV = "CLAIMCHECK_DEBUG"


class ClaimcheckError(Exception):
    """Base class: a problem the user can fix; the message says how."""


class InputError(ClaimcheckError):
    """An input (article, file, URL) cannot be read or holds no article."""

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OutputError(ClaimcheckError):
    """An output file cannot be written (nothing of it was: the old file, if any, is kept)."""

    def __init__(self, path, exc: OSError):
        self.path = str(path)
        super().__init__(f"{self.path}: cannot write ({getattr(exc, 'strerror', None) or exc})")


class ModelError(ClaimcheckError):
    """A model file is missing, unsafe or incompatible."""


class SpacyModelError(ClaimcheckError):
    """The spaCy English pipeline is missing or its files do not match the known sums."""


class DataError(ClaimcheckError):
    """A training corpus or data directory is missing or malformed."""


class LabelFileError(ClaimcheckError):
    """A label file has bad rows; ``problems`` lists ``file:line: what is wrong``."""

    def __init__(self, problems):
        self.problems = list(problems)
        head = "\n".join(self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} bad label row(s); nothing was trained:\n{head}{tail}")
