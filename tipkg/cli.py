"""The ``tipkg`` command: build, query, export, import, serve.

Errors a user can act on print one message and exit 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click
import pyoxigraph as ox

from tipkg.config import Settings, load_settings
from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES, id_prefixes, short


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.option(
    "--store", "store_spec", metavar="SPEC", help="oxigraph:PATH, memory: or sparql:URL[,UPDATE_URL]"
)
@click.pass_context
def cli(ctx: click.Context, store_spec: str | None) -> None:
    """TIPKG: trafficking in persons in armed conflict, a legal knowledge graph."""
    overrides = {"store": store_spec} if store_spec else None
    ctx.obj = {"settings": load_settings(overrides)}


@cli.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Parse, validate, reason and load ontology/ into the store; swap it in when complete."""
    from tipkg.loaders.build import build as run_build

    result = run_build(_settings(ctx), progress=_progress)
    click.echo(
        f"built {result.build_id}: {result.triples} triples ({result.inferred} inferred) "
        f"from {result.files} files in {result.seconds:.1f} s"
    )


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="The date the data speaks for, if the file does not say."
)
@click.pass_context
def load(ctx: click.Context, source: str, path: Path, as_of: str | None) -> None:
    """Load third-party data (SOURCE: legal-texts, un-sanctions, treaty-status, ctdc, svac) from
    PATH into its own graph of the store; all or nothing."""
    from tipkg.loaders import external

    when = _date(as_of, "--as-of") if as_of else None
    result = external.load(_settings(ctx), source, path, as_of=when, progress=_progress)
    snap = result.snapshot
    for skip in snap.skipped[:20]:
        _progress(f"  skipped {skip}")
    for miss in snap.unmatched[:20]:
        _progress(f"  not in the graph: {miss}")
    for label, count in sorted(snap.counts.items()):
        _progress(f"  {label}: {count}")
    click.echo(
        f"loaded {source} {snap.snapshot}"
        f"{f' (as of {snap.as_of.isoformat()})' if snap.as_of else ''}: {snap.loaded} of {snap.read} records, "
        f"{len(snap.skipped)} skipped, {len(snap.unmatched)} naming what the graph lacks; "
        f"{result.triples} triples in <{result.graph}>"
    )


@cli.command()
@click.option("--kinds", is_flag=True, help="List the kinds of source `tipkg load` reads.")
@click.pass_context
def sources(ctx: click.Context, kinds: bool) -> None:
    """List the external snapshots loaded into the store."""
    from tipkg.loaders import external
    from tipkg.store import open_store

    if kinds:
        for name in sorted(external.LOADERS):
            click.echo(f"{name}  {external.loader(name).description}")
        return
    rows = external.loaded(open_store(_settings(ctx)))
    if not rows:
        click.echo("no external data loaded (see `tipkg load --help`)")
    for row in rows:
        click.echo(
            f"{row.source} {row.snapshot}  as of {row.as_of or 'unknown'}  loaded {row.loaded_at}  "
            f"{row.records}/{row.read} records, {row.skipped} skipped, {row.triples} triples  [{row.files}]"
        )


@cli.command()
@click.argument("source")
@click.argument("snapshot", required=False)
@click.pass_context
def unload(ctx: click.Context, source: str, snapshot: str | None) -> None:
    """Remove the loaded SNAPSHOT of SOURCE (every snapshot of it, if none is named)."""
    from tipkg.loaders import external

    for graph in external.unload(_settings(ctx), source, snapshot, progress=_progress):
        click.echo(f"removed <{graph}>")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint=option) from None


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.pass_context
def query(ctx: click.Context, name: str | None, params: Sequence[str], fmt: str, list_: bool) -> None:
    """Run the named query NAME from queries/ (see --list)."""
    from tipkg import queries
    from tipkg.store import open_store

    if list_ or not name:
        for q in queries.catalogue().values():
            signature = " ".join(f"{p.name}={p.type}{'?' if p.optional else ''}" for p in q.params)
            click.echo(f"{q.name} {signature}".rstrip())
            click.echo(f"    {q.purpose}")
        return
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        values[key] = value
    settings = _settings(ctx)
    store = open_store(settings)
    result = queries.run(store, name, values, base=settings.base_iri)
    click.echo(_render(result, fmt, settings.base_iri), nl=False)


def _cell(term, base: str) -> str:
    if term is None:
        return ""
    return short(term.value, base) if isinstance(term, ox.NamedNode) else term.value


def _render(result, fmt: str, base: str) -> str:
    if isinstance(result, ox.QueryBoolean):
        return (
            json.dumps({"head": {}, "boolean": bool(result)}) + "\n" if fmt == "json" else f"{bool(result)}\n"
        )
    if not isinstance(result, ox.QuerySolutions):
        turtle = ox.serialize(
            list(result), format=ox.RdfFormat.TURTLE, prefixes={**PREFIXES, **id_prefixes(base)}
        )
        return (turtle or b"").decode()  # bytes whenever no output file is given
    if fmt == "json":
        return (result.serialize(format=ox.QueryResultsFormat.JSON) or b"").decode() + "\n"
    if fmt == "csv":
        return (result.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode()
    names = [v.value for v in result.variables]
    rows = [[_cell(row[n], base) for n in names] for row in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    out = io.StringIO()
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} rows)\n")
    return out.getvalue()


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nq", "jsonld"]), default="ttl", show_default=True)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout)."
)
@click.pass_context
def export(ctx: click.Context, fmt: str, out: str | None) -> None:
    """Write a full dump of the built graph."""
    from tipkg.loaders.export import export as run_export
    from tipkg.store import open_store

    settings = _settings(ctx)
    store = open_store(settings)
    if out:
        with open(out, "wb") as handle:
            count = run_export(store, fmt, handle, base=settings.base_iri)
        _progress(f"wrote {count} statements to {out}")
    else:
        run_export(store, fmt, sys.stdout.buffer, base=settings.base_iri)


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Restore FILE (N-Quads from `tipkg export --format nq`) as the store's whole content; all or nothing."""
    from tipkg.loaders.restore import restore
    from tipkg.store import open_store

    settings = _settings(ctx)
    count = restore(open_store(settings), file, base=settings.base_iri, progress=_progress)
    click.echo(f"imported {count} statements from {file}")


@cli.command()
@click.argument("file", type=click.File("r"))
@click.pass_context
def assess(ctx: click.Context, file) -> None:
    """Assess the facts in FILE (JSON, or - for standard input); prints the same JSON as POST /api/assess."""
    from tipkg.assessment import Assessor
    from tipkg.store import open_store

    try:
        payload = json.load(file)
    except json.JSONDecodeError as exc:
        raise TipkgError(f"{file.name}: not valid JSON: {exc}") from exc
    result = Assessor(open_store(_settings(ctx))).assess(payload)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers", type=int, default=None, help="processes (default: serve_workers, 0 = one per core)"
)
@click.option("--threads", type=int, default=None, help="threads per process (default: serve_threads, 4)")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the web app (browser, /sparql, /healthz) with gunicorn's threaded workers."""
    from dataclasses import replace

    from tipkg.webapp.server import options, serve

    settings = _settings(ctx)
    if workers is not None:
        settings = replace(settings, serve_workers=workers)
    if threads is not None:
        settings = replace(settings, serve_threads=threads)
    chosen = options(settings, host, port)
    _progress(
        f"serving {settings.store} on http://{host}:{port}/ with {chosen['workers']} processes of "
        f"{chosen['threads']} threads (Ctrl-C to stop)"
    )
    serve(settings, host, port)


def _add_training() -> None:
    from tipkg.training.cli import training

    cli.add_command(training)


_add_training()


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="tipkg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TipkgError as exc:
        click.echo(f"tipkg: error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
