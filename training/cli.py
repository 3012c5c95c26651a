"""``tipkg training ...`` (to be written)."""

from __future__ import annotations

import click


@click.group()
def training() -> None:
    """Training material generated from the graph."""
