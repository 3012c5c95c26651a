"""Errors a user can act on. The CLI prints their message and exits non-zero; the web app maps
them to a 4xx answer. Anything else is a bug and is reported as one."""


class TipkgError(Exception):
    """Base class: the message says what is wrong and, where it can, where (file, line, shape)."""


class ConfigError(TipkgError):
    """The configuration (file, environment or option) is invalid."""


class BuildError(TipkgError):
    """The ontology files do not parse, validate or reason; the previous store is left as it was."""


class StoreError(TipkgError):
    """The store cannot be opened, read or written."""


class QueryError(TipkgError):
    """A named query is unknown, malformed, or was given bad parameters."""
