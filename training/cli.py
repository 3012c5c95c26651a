"""``tipkg training list`` and ``tipkg training build``."""

from __future__ import annotations

from pathlib import Path

import click

from tipkg.training.modules import get_module, module_names
from tipkg.training.render import FORMATS


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.group()
def training() -> None:
    """Training material generated from the graph."""


@training.command("list")
def list_() -> None:
    """List the training modules and the formats they build in."""
    for name in module_names():
        click.echo(f"{name}  {get_module(name).title}")
    click.echo(f"formats: {', '.join(FORMATS)}", err=True)


@training.command()
@click.option(
    "--module",
    "modules",
    multiple=True,
    required=True,
    metavar="NAME",
    help="A module (see `tipkg training list`), or `all`; may be repeated.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    required=True,
    metavar="FORMAT",
    help=f"One of {', '.join(FORMATS)}, or `all`; may be repeated.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write into (created when missing).",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of the scenario variants and the quiz: the same seed gives the same material.",
)
@click.pass_context
def build(
    ctx: click.Context, modules: tuple[str, ...], formats: tuple[str, ...], out: Path, seed: int
) -> None:
    """Build training material for a module in a format into a folder."""
    from tipkg.store import open_store
    from tipkg.training import build as run_build

    names = module_names() if "all" in modules else list(dict.fromkeys(modules))
    known = module_names()
    for name in names:
        if name not in known:
            raise click.BadParameter(f"no module {name!r}; known: {', '.join(known)}", param_hint="--module")
    chosen = list(FORMATS) if "all" in formats else list(dict.fromkeys(formats))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise click.BadParameter(f"no format {fmt!r}; known: {', '.join(FORMATS)}", param_hint="--format")
    settings = ctx.find_root().obj["settings"]
    written = run_build(
        open_store(settings), names, chosen, out, seed=seed, base=settings.base_iri, progress=_progress
    )
    for path in written:
        click.echo(str(path))
