"""``tipkg export``: the dump itself lives in the queries layer (``tipkg.queries.export``), where the
web app's ``/dumps/`` can use it too; kept here under its old name for the command line."""

from tipkg.queries.export import FORMATS, export

__all__ = ["FORMATS", "export"]
