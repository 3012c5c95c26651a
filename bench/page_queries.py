"""Time the named queries of the resource pages on embedded Oxigraph and on a throw-away Virtuoso.

    .venv/bin/python -m bench.page_queries [--runs 20] [--no-virtuoso]

Builds the curated graph into a temporary on-disk Oxigraph store and (when Virtuoso is installed)
into a Virtuoso started for the run (``tipkg.devtools.virtuoso``, through its Graph Store endpoint),
then times each query of ``QUERIES`` for each resource of ``RESOURCES`` through the project's store
classes (``tipkg.queries.select``: binding, HTTP and result parsing included), after one warm-up run:
the current texts, and the texts that worked the most specific kind out per request
and other earlier texts (``tests/data/page-queries-before/``) as "before". Writes the section "Page queries on Virtuoso" of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.machine import describe, write_section
from tipkg import queries
from tipkg.config import load_settings
from tipkg.loaders.build import build
from tipkg.store import Store, open_store

RESULTS = Path(__file__).with_name("RESULTS.md")
BEFORE = Path(__file__).resolve().parent.parent / "tests" / "data" / "page-queries-before"
RESOURCES = {
    "provision": "https://w3id.org/tipkg/id/provision/rome-statute-art-7-2-c",
    "purpose": "https://w3id.org/tipkg/id/purpose/sexual-slavery",
    "instrument": "https://w3id.org/tipkg/id/instrument/rome-statute",
    "document": "https://w3id.org/tipkg/id/document/unodc-thematic-paper-2018",
}
# Each query with the parameter that names the resource; None: the query takes no parameter.
QUERIES = {
    "resource-incoming": "resource",
    "resource-outgoing": "resource",
    "resource-citations": "source",
    "resource-overlaps": "resource",
    "matrix-cells": None,
    "search-text": None,
    "sanctions-regimes": None,
    "assessment-requirements": None,
}
SEARCH = "slavery"
SEARCH_FIELD = "http://www.w3.org/2004/02/skos/core#definition"  # search-text's values of one field


def _time(store: Store, query: queries.NamedQuery, params: dict, runs: int) -> tuple[float, float]:
    text, named = query.bind(params), query.named_graphs
    list(store.select(text, named_graphs=named, booleans=query.booleans))  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        list(store.select(text, named_graphs=named, booleans=query.booleans))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _cases(name: str, param: str | None) -> list[tuple[str, dict]]:
    query = queries.get(name)
    if param is None:
        required = [p for p in query.params if not p.optional]
        params = {p.name: SEARCH for p in required if p.name == "text"}
        params |= {p.name: SEARCH_FIELD for p in required if p.name == "property"}
        return [("-", params)]
    return [(kind, {param: iri}) for kind, iri in RESOURCES.items()]


def measure(stores: dict[str, Store], runs: int) -> list[list]:
    rows = []
    for name, param in QUERIES.items():
        versions = {"after": queries.get(name)}
        if (BEFORE / f"{name}.rq").exists():
            versions = {"before": queries.parse_header(BEFORE / f"{name}.rq"), **versions}
        for kind, params in _cases(name, param):
            for version, query in versions.items():
                row: list = [name, kind, version]
                for store_name, store in stores.items():
                    p50, p95 = _time(store, query, params, runs)
                    row += [p50, p95]
                    print(
                        f"{name:24} {kind:10} {version:6} {store_name:9} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms"
                    )
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-virtuoso", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {"store": f"oxigraph:{tmp}/store", "docs_dir": f"{tmp}/docs"}, environ={"TIPKG_CONFIG": ""}
        )
        build(settings)
        stores: dict[str, Store] = {"Oxigraph": open_store(settings)}
        server = None
        from tipkg.devtools import virtuoso

        if not args.no_virtuoso and virtuoso.available():
            server = virtuoso.start(Path(tmp) / "virtuoso", buffers=100000)
            url = server.sparql_url
            remote = load_settings(
                {"store": f"sparql:{url},{url},{server.graph_store_url}", "docs_dir": f"{tmp}/docs2"},
                environ={"TIPKG_CONFIG": ""},
            )
            build(remote)
            stores["Virtuoso"] = open_store(remote)
        try:
            rows = measure(stores, args.runs)
        finally:
            if server is not None:
                server.stop()
    load_after = os.getloadavg()
    names = list(stores)
    head = " | ".join(f"{n} p50 | {n} p95" for n in names)
    table = "\n".join(
        f"| {name} | {kind} | {version} | " + " | ".join(f"{t:.1f} ms" for t in times) + " |"
        for name, kind, version, *times in rows
    )
    body = f"""Machine: {describe()}. Run on {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())} with
`python -m bench.page_queries --runs {args.runs}`; load average (1, 5, 15 min) before
{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} and after {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}.
The curated graph alone, built into on-disk Oxigraph and into a throw-away Virtuoso
{_virtuoso_version() if server else ""}; each named query timed through the store classes (binding,
HTTP for Virtuoso, result parsing) after one warm-up run. "Before": the earlier text, kept in
`tests/data/page-queries-before/` (the most specific kind worked out per request with
`FILTER NOT EXISTS` over the subclasses; the project's graphs as a list of default graphs; the
overlap roles as a UNION); "after": the current text (the stored `tip:mostSpecificKind`; the graphs
by name from the build record in resource-incoming; the roles as VALUES).

| query | resource | version | {head} |
|---|---|---|{"---|---|" * len(names)}
{table}
"""
    write_section(RESULTS, "Page queries on Virtuoso (bench/page_queries.py)", body)


def _virtuoso_version() -> str:
    import subprocess

    try:
        out = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=10)
    except OSError:
        return ""
    for line in (out.stdout + out.stderr).splitlines():
        if "Version" in line:
            return f"({line.strip()})"
    return ""


if __name__ == "__main__":
    main()
