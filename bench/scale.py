"""Victim records at scale: generate CTDC-shaped files of 10^4, 10^5, 10^6 records, load each with
``tipkg load ctdc`` into an on-disk Oxigraph store holding the curated graph, and time the load (by
phase: read and check, write, build checks, commit), the store size, the process's peak memory and
the named queries a purpose page and a category page run.

    python -m bench.scale --sizes 10000 100000 [--store oxigraph:var/bench-store] [--runs 20]
    python -m bench.scale --sizes 10000 100000 --virtuoso   # a throw-away Virtuoso, through its GSP

The generator is seeded and draws each column from the marginal distributions of the real condensed
file (year, data source, gender, age band, citizenship, forced labour, type of exploitation) and of
the 50-row raw sample (means of control), into the full 64-column layout. Columns are drawn
independently: co-occurrence in generated files is not that of the real data.

With ``--virtuoso`` the store is a Virtuoso started for the run (``tipkg.devtools.virtuoso``),
spec ``sparql:URL,URL,GSP_URL``; its store size is its database folder and its memory the server
process's peak resident set (VmHWM), next to this process's own.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from bench.machine import describe, write_section
from tipkg import queries
from tipkg.config import load_settings
from tipkg.loaders import ctdc, external
from tipkg.loaders.build import build
from tipkg.store import open_store

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ctdc"
CONDENSED = SHARED / "global-2020-condensed" / "ctdc_global_2020_condensed.csv"
RAW = SHARED / "raw-global-2020-sample" / "ctdc_global_dataset_2020-04-14_sample50.csv"
RESULTS = Path(__file__).with_name("RESULTS.md")
BASE = "https://w3id.org/tipkg/"
PAGES = (  # (query, resource) pairs a page runs
    ("case-figures", "id/purpose/forced-labour"),
    ("resource-incoming", "id/purpose/forced-labour"),
    ("resource-outgoing", "id/purpose/forced-labour"),
    ("case-figures", "id/ctdc/forced-labour"),
    ("resource-outgoing", "id/ctdc/forced-labour"),
)
TYPE_FLAGS = {v: k for k, v in ctdc.CONDENSED_TYPES.items()}


def marginals() -> tuple[dict[str, Counter], dict[str, float]]:
    with CONDENSED.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = (
        "yearOfRegistration",
        "Datasource",
        "gender",
        "ageBroad",
        "citizenship",
        "isForcedLabour",
        "ExploitType",
    )
    counts = {c: Counter(r[c] for r in rows) for c in columns}
    with RAW.open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    means = {c: sum(r[c] == "1" for r in raw) / len(raw) for c in ctdc.MEANS if c in raw[0]}
    return counts, means


def generate(path: Path, size: int, seed: int = 16) -> None:
    """A CTDC file in the 64-column layout of ``size`` records drawn from the real marginals."""
    rng = random.Random(seed)
    counts, means = marginals()
    with RAW.open(newline="") as handle:
        header = next(csv.reader(handle))
    draws = {c: (list(n.keys()), list(n.values())) for c, n in counts.items()}

    def draw(column: str) -> str:
        values, weights = draws[column]
        return rng.choices(values, weights)[0]

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for _ in range(size):
            row = dict.fromkeys(header, "-99")
            row[header[0]] = ""
            row["yearOfRegistration"] = draw("yearOfRegistration").removesuffix(".0") or "-99"
            for column in ("Datasource", "gender", "ageBroad", "citizenship"):
                row[column] = draw(column) or "-99"
            labour = draw("isForcedLabour")
            row["isForcedLabour"] = {"1.0": "1", "0.0": "0"}.get(labour, "-99")
            kind = draw("ExploitType")
            slug = ctdc.CONDENSED_TYPES.get(kind)
            flag = {s: c for c, s in ctdc.EXPLOITATION.items()}
            for column in ("isSexualExploit", "isOtherExploit", "isForcedMarriage", "isSlaveryAndPractices"):
                row[column] = "0" if kind else "-99"
            if slug and slug != "forced-labour":
                row[flag[slug]] = "1"
            for column, share in means.items():
                row[column] = "1" if rng.random() < share else "-99"
            writer.writerow([row[h] for h in header])


def timed(settings, path: Path) -> dict:
    marks: list[tuple[float, str]] = [(time.perf_counter(), "start")]
    result = external.load(settings, "ctdc", path, progress=lambda m: marks.append((time.perf_counter(), m)))
    marks.append((time.perf_counter(), "end"))
    phase = {}
    checks = next(t for t, m in marks if m.startswith("running build checks"))
    commit = next((t for t, m in marks if t >= checks and m.startswith(("store ", "uploaded"))), marks[-1][0])
    wrote = [t for t, m in marks if m.startswith("  wrote")]
    checked = [t for t, m in marks if m.startswith("  checked")]
    phase["read and check"] = (wrote[0] if wrote else checks) - marks[0][0]
    phase["write"] = checks - phase["read and check"] - marks[0][0]
    phase["build checks"] = commit - checks
    phase["commit"] = marks[-1][0] - commit
    phase["total"] = marks[-1][0] - marks[0][0]
    del checked
    return {"triples": result.triples, "phases": phase}


def query_times(store, runs: int) -> dict[str, tuple[float, float]]:
    found = {}
    for name, local in PAGES:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            list(queries.select(store, name, {"resource": BASE + local}))
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        found[f"{name} {local}"] = (statistics.median(samples), samples[int(0.95 * (len(samples) - 1))])
    return found


def size_of(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def peak_rss(pid: int) -> float:
    """Peak resident set of process ``pid`` in MiB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--store", help="an on-disk store with the curated graph built (built if absent)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--virtuoso", action="store_true", help="start a throw-away Virtuoso and load into it"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tipkg-scale-"))
    server = None
    if args.virtuoso:
        from tipkg.devtools import virtuoso

        server = virtuoso.start(work / "virtuoso", buffers=340000)
        url = server.sparql_url
        args.store = None
        spec = f"sparql:{url},{url},{server.graph_store_url}"
    else:
        spec = args.store or f"oxigraph:{work}/store"
    try:
        run(args, work, spec, server)
    finally:
        if server:
            server.stop()


def run(args, work: Path, spec: str, server) -> None:
    settings = load_settings({"store": spec, "docs_dir": work / "docs"}, environ={"TIPKG_CONFIG": ""})
    if not args.store:
        build(settings)
    lines = ["| records | triples | triples/s | read and check | write | build checks | commit | store on disk | peak RSS |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    query_lines = []
    for size in args.sizes:
        path = work / f"ctdc_scale_{size}.csv"
        generate(path, size)
        print(f"loading {size:,} records ...", flush=True)
        outcome = timed(settings, path)
        p = outcome["phases"]
        if server:
            disk = size_of(server.directory)
        else:
            disk = size_of(
                Path(spec.partition(":")[2]).with_name(Path(spec.partition(":")[2]).name + ".builds")
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if server:
            rss_text = f"{rss:,.0f} MiB (Virtuoso: {peak_rss(server.process.pid):,.0f} MiB)"
        else:
            rss_text = f"{rss:,.0f} MiB"
        lines.append(
            f"| {size:,} | {outcome['triples']:,} | {outcome['triples'] / p['total']:,.0f} | {p['read and check']:.1f} s"
            f" | {p['write']:.1f} s | {p['build checks']:.1f} s | {p['commit']:.1f} s | {disk / 2**20:,.0f} MiB | {rss_text} |"
        )
        times = query_times(open_store(settings), args.runs)
        query_lines.append(
            f"| {size:,} | " + " | ".join(f"{a:.1f} / {b:.1f}" for a, b in times.values()) + " |"
        )
        print(lines[-1], query_lines[-1], sep="\n", flush=True)
        report(args, server, lines, query_lines)  # after each size, so a stopped run keeps what it measured
        external.unload(settings, "ctdc", f"global-dataset-{path.stem.lower()}")


def report(args, server, lines: list[str], query_lines: list[str]) -> None:
    where = "a throw-away Virtuoso (through its Graph Store endpoint)" if server else "on-disk Oxigraph"
    header = "| records | " + " | ".join(f"{n} `{r}`" for n, r in PAGES) + " |"
    body = "\n".join(
        [
            f"Machine: {describe()}. Run on {date.today().isoformat()} with"
            f" `python -m bench.scale --sizes {' '.join(map(str, args.sizes))} --runs {args.runs}"
            f"{' --virtuoso' if server else ''}`.",
            "",
            "Generated CTDC files (64-column layout, seeded, real marginals) loaded with `tipkg load ctdc` into"
            f" {where} holding the curated graph; one size at a time, each unloaded before the next"
            " (peak RSS is of the whole run so far):",
            "",
            *lines,
            "",
            f"Named queries of the pages, from this process on {where}, p50 / p95 in ms:",
            "",
            header,
            "|---|" + "---|" * len(PAGES),
            *query_lines,
        ]
    )
    title = "Victim records at scale (bench/scale.py" + (", Virtuoso)" if server else ")")
    write_section(RESULTS, title, body)


if __name__ == "__main__":
    main()
