"""Benchmark the browser's pages: server time per page kind on the embedded store.

    .venv/bin/python -m bench.pages [--requests 200]

Builds the curated graph into a temporary on-disk store, warms every page (caches are per build),
then times each page kind through the Flask app in process (server time, no network), recording
p50 and p95 in bench/RESULTS.md: as served by default (the app answers from an in-memory copy of
the build) and with ``serve_from_memory`` off (queries on the store on disk). Target (issue 6): p95
under 50 ms for every page kind.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import describe, write_section
from tipkg.config import load_settings
from tipkg.loaders.build import build
from tipkg.webapp import create_app

RESULTS = Path(__file__).with_name("RESULTS.md")
PAGES = {
    "home": "/",
    "search": "/search?q=sexual+slavery",
    "search with a typo": "/search?q=trafficing",
    "elements": "/elements",
    "instruments": "/instruments",
    "instrument (Rome Statute)": "/id/instrument/rome-statute",
    "provision": "/id/provision/rome-statute-art-7-2-c",
    "document (UNODC paper)": "/id/document/unodc-thematic-paper-2018",
    "document, citing page 2": "/id/document/unodc-thematic-paper-2018?cited_by=overlap&page=2",
    "exploitative purpose": "/id/purpose/sexual-slavery",
    "grave violation": "/id/grave-violation/recruitment-and-use",
    "overlap": "/id/overlap/sexual-slavery-crsv",
    "overlap matrix": "/matrix",
    "overlap matrix, filtered": "/matrix?age=under-15&conflict=international",
    "compare": "/compare/trafficking-vs-smuggling",
    "sanctions": "/sanctions",
    "glossary": "/glossary",
    "indicators": "/indicators",
    "worked examples": "/examples",
    "grave violations": "/grave-violations",
    "CRSV": "/crsv",
    "atrocity crimes": "/atrocity-crimes",
    "assess (form)": "/assess",
    "assess (with facts)": "/assess?acts=recruitment&means_none=1&purposes=use-in-armed-conflict&age=14&armed_conflict=non-international",
    "SPARQL query page": "/query",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {"store": f"oxigraph:{tmp}/store", "docs_dir": f"{tmp}/docs"}, environ={"TIPKG_CONFIG": ""}
        )
        build(settings)
        clients = {
            "memory": create_app(settings=settings, long_lived=True).test_client(),
            "disk": create_app(
                settings=dataclasses.replace(settings, serve_from_memory=False), long_lived=True
            ).test_client(),
        }
        for name, path in PAGES.items():
            row: list[Any] = [name, path]
            for mode, client in clients.items():
                for _ in range(3):  # warm: per-build caches, the assessment model, the search index
                    answer = client.get(path, headers={"Accept": "text/html"})
                    if answer.status_code != 200:
                        raise SystemExit(f"{path} answered {answer.status_code}")
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    client.get(path, headers={"Accept": "text/html"})
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                row += [statistics.median(times), p95]
                print(f"{name:32} {mode:6} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")
            rows.append(row)
    table = "\n".join(
        f"| {name} | `{path}` | {p50:.1f} ms | {p95:.1f} ms | {disk50:.1f} ms | {disk95:.1f} ms | "
        f"{'yes' if max(p95, disk95) < 50 else 'no'} |"
        for name, path, p50, p95, disk50, disk95 in rows
    )
    body = f"""Machine: {describe()}. Run on {time.strftime("%Y-%m-%d")} with `python -m bench.pages --requests {args.requests}`.
Server time per page kind through the Flask app in process, after warm-up; target p95 under 50 ms.
"Memory" is the app as served by default, answering from an in-memory copy of the build; "disk"
is the same with `serve_from_memory` off, querying the on-disk store.

| page kind | path | memory p50 | memory p95 | disk p50 | disk p95 | under 50 ms |
|---|---|---|---|---|---|---|
{table}
"""
    write_section(RESULTS, "Pages (bench/pages.py)", body)


if __name__ == "__main__":
    main()
