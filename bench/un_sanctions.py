"""Benchmark `tipkg load un-sanctions` on the 2024 Consolidated List, per store.

    .venv/bin/python -m bench.un_sanctions [--runs 3] [--file PATH] [--no-virtuoso]

For each store (embedded Oxigraph on disk; Virtuoso through SPARQL, when installed): build the
curated graph once, then load the file ``--runs`` times (each load replaces the snapshot's graph)
and report the median of the whole load (read, stage, checks, commit) and of reading alone (parse,
link, flag). Results go to bench/RESULTS.md with the machine described.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe, write_section
from tipkg.config import load_settings
from tipkg.devtools import virtuoso
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.store import open_store

RESULTS = Path(__file__).with_name("RESULTS.md")
DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "un-sanctions"
    / "un_sc_consolidated_2024-09-26.xml"
)


def measure(store_spec: str, path: Path, runs: int) -> tuple[float, float, int, int]:
    settings = load_settings({"store": store_spec}, environ={"TIPKG_CONFIG": ""})
    build(settings)
    store = open_store(settings)
    loads, reads, triples, records = [], [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        result = external.load(settings, "un-sanctions", path, store=store)
        loads.append(time.perf_counter() - started)
        context = external.LoadContext(store, settings.base_iri, None, lambda _: None)
        started = time.perf_counter()
        external.read("un-sanctions", path, context)
        reads.append(time.perf_counter() - started)
        triples, records = result.triples, result.snapshot.loaded
    return statistics.median(loads), statistics.median(reads), triples, records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--no-virtuoso", action="store_true")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"Oxigraph on disk": f"oxigraph:{tmp}/store"}
        server = None
        if not args.no_virtuoso and virtuoso.available():
            server = virtuoso.start(Path(tmp) / "virtuoso", buffers=100000)
            stores["Virtuoso (SPARQL Update)"] = f"sparql:{server.sparql_url}"
        try:
            for name, spec in stores.items():
                load, read, triples, records = measure(spec, args.file, args.runs)
                rows.append(
                    f"| {name} | {records:,} | {triples:,} | {load:.1f} s | {read:.1f} s | {triples / load:,.0f} |"
                )
                print(rows[-1])
        finally:
            if server:
                server.stop()
    body = (
        f"Machine: {describe()}. Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`python -m bench.un_sanctions --runs {args.runs}` on `{args.file.name}`.\n\n"
        "The whole `tipkg load` (read, stage a copy of the store, write the snapshot graph, run the build "
        "checks, commit), median of the runs, each replacing the previous load; reading alone is the "
        "loader's parse, linking and evidence flags; the rest of a load is the staging copy of the store "
        "and the build checks. The machine was shared with other engineers' jobs meanwhile.\n\n"
        "| store | records | triples written | load | read alone | triples/s |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )
    write_section(RESULTS, "UN Consolidated List load (bench/un_sanctions.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
