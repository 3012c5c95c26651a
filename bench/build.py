"""Benchmark the build: the whole curated build per store, and load throughput per store.

    .venv/bin/python -m bench.build [--runs 3] [--triples 1000000] [--no-virtuoso]

1. The curated build (parse, SHACL, HermiT, assemble, load, checks, commit) into each store,
   median of ``--runs``, with the median time of each step.
2. Load throughput: ``--triples`` synthetic quads through the same staging path the build uses
   (``stage()``, ``bulk_extend``, ``commit``) into on-disk and in-memory Oxigraph; rdflib's
   in-memory graph for comparison; and the SPARQL Update upload into Virtuoso (a tenth as many).

Results go to bench/RESULTS.md with the machine described. Targets (issue 2): the curated build
under 30 s; at least 100k triples/s into on-disk Oxigraph.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import rdflib

from bench.machine import describe, write_section
from tipkg.config import load_settings
from tipkg.devtools import virtuoso
from tipkg.loaders.build import build
from tipkg.store import open_store

RESULTS = Path(__file__).with_name("RESULTS.md")


def settings(store: str):
    return load_settings({"store": store}, environ={"TIPKG_CONFIG": ""})


def curated_build(store_spec: str, runs: int) -> tuple[float, int, dict[str, float]]:
    totals, steps, triples = [], defaultdict(list), 0
    for _ in range(runs):
        marks: dict[str, float] = {}

        def progress(message: str, marks: dict[str, float] = marks) -> None:
            match = re.match(r"\[\d+/\d+\] (.*): done in ([\d.]+) s", message)
            if match:
                marks[match.group(1).split(" to ")[0]] = float(match.group(2))

        result = build(settings(store_spec), progress=progress)
        totals.append(result.seconds)
        triples = result.triples
        for name, seconds in marks.items():
            steps[name].append(seconds)
    return statistics.median(totals), triples, {k: statistics.median(v) for k, v in steps.items()}


def synthetic(n: int) -> list[ox.Quad]:
    graph = ox.NamedNode("https://w3id.org/tipkg/graph/bench")
    p = [ox.NamedNode(f"https://w3id.org/tipkg/ontology#p{i}") for i in range(20)]
    return [
        ox.Quad(
            ox.NamedNode(f"https://w3id.org/tipkg/id/bench/s{i // 10}"),
            p[i % 20],
            ox.Literal(f"value {i}") if i % 3 else ox.NamedNode(f"https://w3id.org/tipkg/id/bench/s{i // 7}"),
            graph,
        )
        for i in range(n)
    ]


def load_rate(store_spec: str, quads: list[ox.Quad]) -> float:
    store = open_store(settings(store_spec))
    started = time.perf_counter()
    staging = store.stage()
    staging.store.bulk_extend(quads)
    staging.commit(lambda _: None)
    return len(quads) / (time.perf_counter() - started)


def rdflib_rate(quads: list[ox.Quad]) -> float:
    graph = rdflib.Graph()
    started = time.perf_counter()
    for q in quads:
        assert not isinstance(q.object, ox.Triple) and not isinstance(q.subject, ox.Triple)
        o = (
            rdflib.URIRef(q.object.value)
            if isinstance(q.object, ox.NamedNode)
            else rdflib.Literal(q.object.value)
        )
        graph.add((rdflib.URIRef(q.subject.value), rdflib.URIRef(q.predicate.value), o))
    return len(quads) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--no-virtuoso", action="store_true")
    args = parser.parse_args(argv)

    rows, load_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if not args.no_virtuoso and virtuoso.available():
            server = virtuoso.start(Path(tmp) / "virtuoso", buffers=100000)
        try:
            stores = {"Oxigraph on disk": f"oxigraph:{tmp}/store", "Oxigraph in memory": "memory:"}
            if server:
                stores["Virtuoso (SPARQL Update)"] = f"sparql:{server.sparql_url}"
            for label, spec in stores.items():
                print(f"curated build into {label} ...", file=sys.stderr)
                total, triples, steps = curated_build(spec, args.runs)
                detail = "; ".join(f"{k} {v:.1f} s" for k, v in steps.items())
                rows.append(f"| {label} | {total:.1f} s | {triples / total:,.0f} | {detail} |")
            quads = synthetic(args.triples)
            print(f"load {len(quads):,} quads ...", file=sys.stderr)
            load_rows.append(
                f"| Oxigraph on disk (staging, bulk_extend) | {len(quads):,} | {load_rate(f'oxigraph:{tmp}/load', quads):,.0f} |"
            )
            load_rows.append(f"| Oxigraph in memory | {len(quads):,} | {load_rate('memory:', quads):,.0f} |")
            small = quads[: max(len(quads) // 10, 1)]
            load_rows.append(
                f"| rdflib Graph in memory (for comparison) | {len(small):,} | {rdflib_rate(small):,.0f} |"
            )
            if server:
                load_rows.append(
                    f"| Virtuoso via SPARQL Update, 400 triples a request | {len(small):,} | "
                    f"{load_rate(f'sparql:{server.sparql_url}', small):,.0f} |"
                )
        finally:
            if server:
                server.stop()

    body = f"""Machine: {describe()}. Run on {time.strftime("%Y-%m-%d")} with `python -m bench.build --runs {args.runs} --triples {args.triples}`.

The whole curated build (median of {args.runs}); target under 30 s:

| store | total | triples/s overall | median time per step |
|---|---|---|---|
{chr(10).join(rows)}

Loading through the build's staging path (synthetic quads, 20 properties, a third IRIs); target at
least 100,000 triples/s into on-disk Oxigraph:

| store | triples | triples/s |
|---|---|---|
{chr(10).join(load_rows)}
"""
    write_section(RESULTS, "Build (bench/build.py)", body)
    print(body)


if __name__ == "__main__":
    main()
