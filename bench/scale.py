"""Victim records at scale: generate CTDC-shaped files (10^4, 10^5, 10^6 records), load each with
``tipkg load ctdc`` into an on-disk Oxigraph store holding the curated graph (or a throw-away
Virtuoso), and measure at each size what issue 16 asks: the load by phase and in triples per second,
the store on disk, the server time of every page kind, of the named queries behind each page and of
``/sparql`` point and aggregate queries, the memory the server holds, and how each cost grows.

    python -m bench.scale --sizes 10000 100000 1000000 [--runs 20] [--results bench/RESULTS.md]
    python -m bench.scale --sizes 10000 100000 1000000 --virtuoso   # a throw-away Virtuoso, through its GSP

The generator is seeded and draws each column from the marginal distributions of the real condensed
file (year, data source, gender, age band, citizenship, forced labour, type of exploitation) and of
the 50-row raw sample (means of control), into the full 64-column layout. Columns are drawn
independently: co-occurrence in generated files is not that of the real data.

With ``--virtuoso`` the store is a Virtuoso started for the run (``tipkg.devtools.virtuoso``),
spec ``sparql:URL,URL,GSP_URL``; its store size is its database folder and its memory the server
process's resident set, next to the app's own.

**Server time.** After each load the pages are served by the real app (``create_app`` with the
run's settings) in a fresh process for each way of serving, and timed through Flask's test client:
server time, from the request to the last byte of the body, with no network or WSGI server in
between (as bench/pages.py; bench/sparql.py measures over HTTP). A fresh process, so that the memory
stated is that of a process that has only served (this one has just loaded up to a million records
and parsed them) and no value kept for an earlier size survives. On Oxigraph two ways are measured:
as shipped, ``serve_from_memory`` (the app, and each /sparql worker process, copies the build into
memory when it opens it: memory grows with the store), and with ``serve_from_memory`` off (queries on
the on-disk build, read-only: the bounded-memory way). On Virtuoso the app holds no copy; the memory
that grows is Virtuoso's.

For each page kind: one warm-up request, then ``--runs`` requests (fewer, at least 2, once a minute
has been spent on it: the table says so); p50 and p95. That is a page as
readers get it once it has been visited: what the app keeps per build is kept. Then each page is
asked once of a new app sharing the store ("first request": everything kept per build computed
again, as after a new build or load), recording the named queries it runs (``tipkg.queries``'
``select``, ``construct`` and ``run``, with their parameters); each of those is then timed on the
store the app serves from, one warm-up and ``--runs`` runs, p50 and p95.

``/sparql``: a point query (the properties of one victim record) and an aggregate (the observations
by year of registration over every loaded record: it reads every record, so it is expected to grow
linearly with them; the endpoint's time limit, 10 s as shipped, stops it past that, and the table
says so).

**Growth**: for each cost, the ratio of its p95 between consecutive sizes and the exponent b of
time ∝ records^b that implies (0: flat, 1: linear). Below a few milliseconds p95 is noisy at 20
runs: read b where the cost is well above that.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.machine import describe, write_section
from tipkg import queries
from tipkg.config import load_settings
from tipkg.loaders import ctdc, external
from tipkg.loaders.build import build
from tipkg.store import Store, open_store

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ctdc"
CONDENSED = SHARED / "global-2020-condensed" / "ctdc_global_2020_condensed.csv"
RAW = SHARED / "raw-global-2020-sample" / "ctdc_global_dataset_2020-04-14_sample50.csv"
RESULTS = Path(__file__).with_name("RESULTS.md")
BASE = "https://w3id.org/tipkg/"
QB = "http://purl.org/linked-data/cube#"
TARGET_MS = 50  # issue 16: every page under 50 ms p95 at 10^6 victims, on both stores
TYPE_FLAGS = {v: k for k, v in ctdc.CONDENSED_TYPES.items()}
ASSESS_QUERY = (  # the worked example bench/pages.py times: a child recruited by an armed group
    "acts=recruitment&means_none=1&purposes=use-in-armed-conflict&age=14&armed_conflict=non-international"
)
RECORDS_BY_YEAR = f"""PREFIX qb: <{QB}>
PREFIX tip: <https://w3id.org/tipkg/ontology#>
SELECT ?year (COUNT(?record) AS ?records)
WHERE {{ ?record a qb:Observation ; tip:registrationPeriod ?year }}
GROUP BY ?year ORDER BY ?year"""


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


def commonest_citizenship() -> str:
    """The citizenship the generated records carry most often (a country code, lower case)."""
    counts, _ = marginals()
    return next(code for code, _ in counts["citizenship"].most_common() if code).lower()


def timed(settings, path: Path) -> dict:
    marks: list[tuple[float, str]] = [(time.perf_counter(), "start")]
    result = external.load(settings, "ctdc", path, progress=lambda m: marks.append((time.perf_counter(), m)))
    end = time.perf_counter()

    def first(prefixes: str | tuple[str, ...], after: float, default: float) -> float:
        return next((t for t, m in marks if t >= after and m.startswith(prefixes)), default)

    start = marks[0][0]
    checks = first("running build checks", start, end)
    commit = first("committing", checks, end)
    phase = {
        "read and write": checks - start,  # one pass: the records are read as they are written
        "build checks": commit - checks,
        "commit": end - commit,  # on disk: compaction and the link swap; remote: the upload
        "total": end - start,
    }
    return {"triples": result.triples, "phases": phase, "snapshot": result.snapshot.snapshot}


BUDGET_MS = 60_000  # per page kind or query: a cost of seconds is timed fewer times, and says so


def over_budget(samples: list[float]) -> bool:
    """Whether a cost has been timed long enough: past ``BUDGET_MS``, once it has 2 samples."""
    return len(samples) >= 2 and sum(samples) > BUDGET_MS


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank: of 20 samples the 19th, of 2 or 3 the largest)."""
    samples = sorted(samples)
    return statistics.median(samples), samples[math.ceil(0.95 * len(samples)) - 1]


def size_of(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def memory_of(pid: int) -> tuple[float, float]:
    """Resident set of process ``pid`` now and at its peak (VmRSS, VmHWM), in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(rest.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


# --- What the server is asked ----------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page kind: a request as a browser or a client sends it."""

    kind: str  # the same at every size (the growth table matches on it)
    path: str
    accept: str = "text/html"
    body: dict | None = None  # JSON, POSTed
    query: str | None = None  # a /sparql query, sent as ?query=

    @property
    def shown(self) -> str:
        return f"{self.path} (POST)" if self.body is not None else self.path


def pages_for(snapshot: str, record: str, country: str, example: dict) -> list[Page]:
    """The page kinds of issue 16, on the snapshot just loaded: ``record`` is one of its victim records,
    ``country`` the records' commonest citizenship, ``example`` an assessment input."""
    results = "application/sparql-results+json"
    return [
        Page("search: a phrase of the curated graph", "/search?q=forced+labour"),
        Page("search: words of the loaded data set's description", "/search?q=victim+records"),
        Page("search: a word of every record's values (not a search field)", "/search?q=citizenship"),
        Page("search with a typo", "/search?q=trafficing"),
        Page("purpose", "/id/purpose/forced-labour"),
        Page("means", "/id/means/coercion"),
        Page("country (the records' commonest citizenship)", f"/id/country/{country}"),
        Page("CTDC category", "/id/ctdc/forced-labour"),
        Page("the loaded data set", f"/id/ctdc-data/{snapshot}"),
        Page("one victim record", "/" + record.removeprefix(BASE)),
        Page("overlap matrix", "/matrix"),
        Page("assessment with facts", f"/assess?{ASSESS_QUERY}"),
        Page("assessment, JSON API (a worked example)", "/api/assess", "application/json", example),
        Page("sanctions", "/sanctions"),
        Page("/sparql point: one record's properties", "/sparql", results, None, f"SELECT * WHERE {{ <{record}> ?p ?o }}"),
        Page("/sparql aggregate: records by year, over all", "/sparql", results, None, RECORDS_BY_YEAR),
    ]  # fmt: skip


def fetch(client, page: Page) -> int:
    """Ask ``page`` of a Flask test client and read the whole answer; its status."""
    headers = {"Accept": page.accept}
    if page.body is not None:
        answer = client.post(page.path, json=page.body, headers=headers)
    elif page.query is not None:
        answer = client.get(page.path, query_string={"query": page.query}, headers=headers)
    else:
        answer = client.get(page.path, headers=headers)
    answer.get_data()
    return answer.status_code


@dataclass
class Call:
    """One named query a page ran, with its parameters."""

    function: str  # select, construct or run
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    base: str | None = None

    def shown(self, snapshot: str) -> str:
        """The parameters, short (IRIs under the base as id/...; the snapshot's id as SNAPSHOT, so that
        the same query is matched across sizes)."""
        text = "; ".join(f"{k}={getattr(v, 'value', v)}" for k, v in sorted(self.params.items()))
        return text.replace(BASE, "").replace(snapshot, "SNAPSHOT")

    def run(self, store: Store, original: Callable) -> int:
        """Run the query as the page did and read every row or triple; how many."""
        answer = original(store, self.name, self.params, base=self.base)
        return int(bool(answer)) if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)


FUNCTIONS = ("select", "construct", "run")


@contextmanager
def recording() -> Iterator[list[Call]]:
    """Record the named queries run through ``tipkg.queries`` (the pages call them as
    ``queries.select(...)``, so replacing the module's functions sees every one)."""
    calls: list[Call] = []
    originals = {f: getattr(queries, f) for f in FUNCTIONS}

    def recorder(function: str) -> Callable:
        def call(store, name, params=None, *, base=None):
            calls.append(Call(function, name, dict(params or {}), base))
            return originals[function](store, name, params, base=base)

        return call

    for function in FUNCTIONS:
        setattr(queries, function, recorder(function))
    try:
        yield calls
    finally:
        for function, original in originals.items():
            setattr(queries, function, original)


def serve_and_time(config: dict, pages: list[Page], runs: int, snapshot: str, out) -> None:
    """In a fresh process: serve ``pages`` with the app on the store ``config`` names and time them,
    state this process's memory and its /sparql workers', then time the named queries behind each
    page. Sends a dict of results (or the error) on the connection ``out``."""
    try:
        out.send(_serve_and_time(config, pages, runs, snapshot))
    except Exception as exc:  # the parent stops the run, naming the way of serving
        import traceback

        out.send({"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"})


def _serve_and_time(config: dict, pages: list[Page], runs: int, snapshot: str) -> dict:
    from tipkg.webapp import create_app

    settings = load_settings(config, environ={"TIPKG_CONFIG": ""})
    store = open_store(settings, serving=True)
    started = time.perf_counter()
    store.query("ASK {}")  # open the build; with serve_from_memory, copy it into memory
    opened = time.perf_counter() - started
    # As `tipkg serve` builds it (long_lived): its tables kept out of the garbage collector's walks.
    app = create_app(settings=settings, store=store, long_lived=True)
    found = time_pages(app.test_client(), pages, runs)
    rss, peak = memory_of(os.getpid())
    workers = [memory_of(p.pid) for p in multiprocessing.active_children() if p.pid]
    memory = {
        "rss": rss,
        "peak": peak,
        "workers": len(workers),
        "workers_rss": sum(w[0] for w in workers),
        "workers_peak": sum(w[1] for w in workers),
        "opened": opened,
    }
    behind: dict[tuple[str, str], dict] = {}
    for page in pages:
        if page.query is not None:
            continue  # /sparql runs the query it is sent, no named one
        fresh = create_app(settings=settings, store=store).test_client()  # nothing kept yet
        with recording() as calls:
            start = time.perf_counter()
            fetch(fresh, page)
            found[page.kind]["first"] = (time.perf_counter() - start) * 1000
        for call in calls:
            entry = behind.setdefault((call.name, call.shown(snapshot)), {"call": call, "pages": []})
            if page.kind not in entry["pages"]:
                entry["pages"].append(page.kind)
    return {"pages": found, "queries": time_queries(store, behind, runs), "memory": memory}


def time_pages(client, pages: list[Page], runs: int) -> dict[str, dict]:
    """Each page's status and, if it answered 200, p50 and p95 of ``runs`` requests after a warm-up."""
    found: dict[str, dict] = {}
    for page in pages:
        status = fetch(client, page)  # warm-up: what the app keeps per build, a /sparql worker
        entry = found[page.kind] = {"path": page.shown, "status": status}
        if status != 200:
            continue  # a time limit or an error: stated, not timed again
        samples: list[float] = []
        while len(samples) < runs and not over_budget(samples):
            start = time.perf_counter()
            status = fetch(client, page)
            samples.append((time.perf_counter() - start) * 1000)
            if status != 200:
                entry["status"] = status
        entry["p50"], entry["p95"] = percentiles(samples)
        entry["runs"], entry["requested"] = len(samples), runs
    return found


def time_queries(store: Store, behind: dict[tuple[str, str], dict], runs: int) -> dict:
    """p50 and p95 of each recorded query, run on ``store`` as its page ran it, after a warm-up."""
    originals = {f: getattr(queries, f) for f in FUNCTIONS}
    timed_queries = {}
    for key, entry in behind.items():
        call = entry["call"]
        try:
            rows = call.run(store, originals[call.function])  # warm-up
        except Exception as exc:  # a remote store's own time limit, say: stated, not timed again
            timed_queries[key] = {"rows": 0, "pages": entry["pages"], "error": f"{type(exc).__name__}: {exc}"}
            continue
        samples: list[float] = []
        while len(samples) < runs and not over_budget(samples):
            start = time.perf_counter()
            call.run(store, originals[call.function])
            samples.append((time.perf_counter() - start) * 1000)
        p50, p95 = percentiles(samples)
        timed_queries[key] = {
            "rows": rows,
            "pages": entry["pages"],
            "p50": p50,
            "p95": p95,
            "status": 200,
            "runs": len(samples),
            "requested": runs,
        }
    return timed_queries


def measure(config: dict, pages: list[Page], runs: int, snapshot: str) -> dict:
    """``serve_and_time`` in a fresh process (spawned: nothing of this one's memory inherited)."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=serve_and_time, args=(config, pages, runs, snapshot, sending))
    process.start()
    sending.close()
    try:
        result = receiving.recv()
    except EOFError:
        result = {"error": "the serving process exited without an answer"}
    process.join()
    if "error" in result:
        way = f"serve_from_memory {config.get('serve_from_memory')}"
        raise SystemExit(
            f"serving {config['store']} ({way}), exit code {process.exitcode}: {result['error']}"
        )
    return result


def worked_example(settings) -> dict:
    """The input of the graph's first worked example (by IRI), for POST /api/assess."""
    from tipkg.assessment.cases import load_cases

    cases = load_cases(open_store(settings))
    return cases[min(cases)].input


def one_record(settings, snapshot: str) -> str:
    """The IRI of the first victim record of ``snapshot`` (the same row of the file at every size)."""
    dataset = f"{settings.base_iri}id/ctdc-data/{snapshot}"
    rows = open_store(settings).select(
        f"SELECT ?r WHERE {{ ?r <{QB}dataSet> <{dataset}> }} ORDER BY STRLEN(STR(?r)) ?r LIMIT 1"
    )
    return next(iter(rows))["r"].value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--store", help="an on-disk store with the curated graph built (built if absent)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--virtuoso", action="store_true", help="start a throw-away Virtuoso and load into it"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="the Markdown file to write the section into"
    )
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
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
        shutil.rmtree(work, ignore_errors=True)  # generated files and stores: GBs at 10^6


def run(args, work: Path, spec: str, server) -> None:
    settings = load_settings({"store": spec, "docs_dir": work / "docs"}, environ={"TIPKG_CONFIG": ""})
    if not args.store:
        build(settings)
    country, example = commonest_citizenship(), worked_example(settings)
    # serve_from_memory, as shipped and off; a remote store holds its own data whatever it says
    ways: dict[str, bool | None] = {"Virtuoso": None} if server else {"memory": True, "disk": False}
    measured: list[dict] = []
    for size in args.sizes:
        path = work / f"ctdc_scale_{size}.csv"
        generate(path, size)
        print(f"loading {size:,} records ...", flush=True)
        outcome = timed(settings, path)
        p = outcome["phases"]
        if server:
            disk = size_of(server.directory)
        else:
            link = Path(spec.partition(":")[2])
            disk = size_of(link.with_name(link.name + ".builds"))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load_row = (
            f"| {size:,} | {outcome['triples']:,} | {outcome['triples'] / p['total']:,.0f} | {p['read and write']:.1f} s"
            f" | {p['build checks']:.1f} s | {p['commit']:.1f} s | {disk / 2**20:,.0f} MiB | {rss:,.0f} MiB |"
        )
        print(load_row, flush=True)
        snapshot = outcome["snapshot"]
        pages = pages_for(snapshot, one_record(settings, snapshot), country, example)
        at_size: dict[str, dict] = {}
        for way, in_memory in ways.items():
            config: dict[str, Any] = {"store": spec, "docs_dir": str(work / "docs")}
            if in_memory is not None:
                config["serve_from_memory"] = in_memory
                # The copy forced at every size, past serve_memory_max_mb (as shipped, a build over
                # 1024 MiB on disk is served from disk: the other way measured).
                config["serve_memory_max_mb"] = 10**7 if in_memory else 0
            print(f"serving {size:,} records ({way}) ...", flush=True)
            at_size[way] = measure(config, pages, args.runs, snapshot)
            if server:
                at_size[way]["memory"]["server"] = memory_of(server.process.pid)
            for kind, entry in at_size[way]["pages"].items():
                print(f"  {kind:64} {cell(entry)}", flush=True)
        measured.append({"size": size, "load": load_row, "ways": at_size})
        report(args, server, measured)  # after each size, so a stopped run keeps what it measured
        external.unload(settings, "ctdc", snapshot)


# --- The section of RESULTS.md ---------------------------------------------------------------


def cell(entry: dict | None) -> str:
    """``p50 / p95`` in ms, or what the server answered instead."""
    if entry is None:
        return "not run"
    if "p95" in entry:
        also = f" (some answered {entry['status']})" if entry.get("status", 200) != 200 else ""
        if entry.get("runs", 0) < entry.get("requested", 0):
            also += f" ({entry['runs']} runs: {BUDGET_MS // 1000} s spent)"
        return f"{entry['p50']:.1f} / {entry['p95']:.1f}{also}"
    if "error" in entry:
        return f"failed ({entry['error'][:120]})"
    if entry.get("status") == 503:
        return "stopped at the time limit (503)"
    return f"answered {entry.get('status')}"


def growth(before: float | None, after: float | None, records: float) -> str:
    """The ratio of two costs and the exponent b of cost ∝ records^b it implies."""
    if not before or not after:
        return "–"
    ratio = after / before
    return f"×{ratio:.2f} (b {math.log(ratio) / math.log(records):.2f})"


def size_section(args, server, entry: dict) -> list[str]:
    ways = entry["ways"]
    names = list(ways)
    first = ways[names[0]]
    lines = [
        f"### {entry['size']:,} records",
        "",
        "Server time per page kind in ms, p50 / p95 over"
        f" {args.runs} requests after a warm-up; *first*: the first request of a new app, with"
        " everything kept per build computed again (as after a build or a load), one sample:",
        "",
        "| page kind | path | "
        + " | ".join(f"{w}: first | {w}: p50 / p95" for w in names)
        + f" | p95 under {TARGET_MS} ms |",
        "|---|---|" + "---|---|" * len(names) + "---|",
    ]
    for kind, page in first["pages"].items():
        row = [kind, f"`{page['path']}`"]
        under = True
        for way in names:
            found = ways[way]["pages"].get(kind)
            row.append(f"{found['first']:.0f}" if found and "first" in found else "–")
            row.append(cell(found))
            under = under and bool(found and found.get("p95", math.inf) < TARGET_MS)
        lines.append("| " + " | ".join(row) + f" | {'yes' if under else '**no**'} |")
    lines += [
        "",
        "The named queries behind those pages, as each page ran them on its first request, timed on the"
        " store the app answers from (p50 / p95 in ms; *rows*: rows or triples answered):",
        "",
        "| query | parameters | rows | run by | " + " | ".join(f"{w}: p50 / p95" for w in names) + " |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    served = sum("first" in page for page in first["pages"].values())
    for (name, params), query in first["queries"].items():
        run_by = "every page" if len(query["pages"]) == served else "; ".join(query["pages"])
        row = [f"`{name}`", params or "–", f"{query['rows']:,}", run_by]
        row += [cell(ways[way]["queries"].get((name, params))) for way in names]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Memory of the serving process after the page runs (resident set now, and its peak):",
        "",
        "| way of serving | store opened in | app process | its /sparql workers |"
        + (" Virtuoso |" if server else ""),
        "|---|---|---|---|" + ("---|" if server else ""),
    ]
    for way in names:
        m = ways[way]["memory"]
        row = [
            way,
            f"{m['opened']:.1f} s",
            f"{m['rss']:,.0f} MiB (peak {m['peak']:,.0f})",
            f"{m['workers']}: {m['workers_rss']:,.0f} MiB (peak {m['workers_peak']:,.0f})",
        ]
        if server:
            row.append(f"{m['server'][0]:,.0f} MiB (peak {m['server'][1]:,.0f})")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def growth_section(measured: list[dict]) -> list[str]:
    sizes = [m["size"] for m in measured]
    names = list(measured[0]["ways"])
    steps = list(itertools.pairwise(measured))
    header = (
        "| cost | way | "
        + " | ".join(f"p95 at {s:,}" for s in sizes)
        + "".join(f" | {a['size']:,} → {b['size']:,} (records ×{b['size'] / a['size']:g})" for a, b in steps)
        + " |"
    )
    lines = [
        "### Growth",
        "",
        "How each cost grows with the records: the ratio of p95 (of resident memory, for memory) between"
        " consecutive sizes, and the exponent b of cost ∝ records^b it implies (0: flat, 1: linear)."
        " Below a few milliseconds p95 is noisy: read b where the cost is well above that. Named queries"
        " under 1 ms p95 at the largest size are left out here.",
        "",
        header,
        "|---|---|" + "---|" * (len(sizes) + len(steps)),
    ]

    def add(label: str, way: str, values: list[float | None]) -> None:
        cells = [f"{v:,.1f}" if v is not None else "–" for v in values]
        ratios = [growth(values[i], values[i + 1], sizes[i + 1] / sizes[i]) for i in range(len(steps))]
        lines.append(f"| {label} | {way} | " + " | ".join(cells + ratios) + " |")

    for kind in measured[0]["ways"][names[0]]["pages"]:
        for way in names:
            add(kind, way, [m["ways"][way]["pages"].get(kind, {}).get("p95") for m in measured])
    last = measured[-1]["ways"]
    for key in measured[0]["ways"][names[0]]["queries"]:
        if max(last[way]["queries"].get(key, {}).get("p95", 0) for way in names) < 1:
            continue  # under a millisecond at the largest size: in the tables above, not here
        for way in names:
            add(f"`{key[0]}` {key[1]}".strip(), way, [m["ways"][way]["queries"].get(key, {}).get("p95") for m in measured])  # fmt: skip
    for way in names:
        add("memory: app process (MiB)", way, [m["ways"][way]["memory"]["rss"] for m in measured])
        add("memory: /sparql workers (MiB)", way, [m["ways"][way]["memory"]["workers_rss"] or None for m in measured])  # fmt: skip
        if "server" in measured[0]["ways"][way]["memory"]:
            add("memory: Virtuoso (MiB)", way, [m["ways"][way]["memory"]["server"][0] for m in measured])
    return lines


def report(args, server, measured: list[dict]) -> None:
    where = "a throw-away Virtuoso (through its Graph Store endpoint)" if server else "on-disk Oxigraph"
    ways = (
        "*Virtuoso*: the app on the Virtuoso store (it keeps no copy; Virtuoso holds the data)."
        if server
        else "*memory*: as shipped, `serve_from_memory` on: the app and each /sparql worker copy the build"
        " into memory when they open it, so their memory grows with the store; *disk*: `serve_from_memory`"
        " off, queries on the on-disk build read-only, the bounded-memory way."
    )
    body = [
        f"Machine: {describe()}. Run on {date.today().isoformat()} with"
        f" `python -m bench.scale --sizes {' '.join(map(str, args.sizes))} --runs {args.runs}"
        f"{' --virtuoso' if server else ''}`.",
        "",
        "Generated CTDC files (64-column layout, seeded, real marginals) loaded with `tipkg load ctdc` into"
        f" {where} holding the curated graph; one size at a time, each unloaded before the next"
        " (peak RSS is of the loading process, the whole run so far):",
        "",
        "| records | triples | triples/s | read and write | build checks | commit | store on disk | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
        *(m["load"] for m in measured),
        "",
        "After each load the pages are served by `create_app` in a fresh process per way of serving and"
        f" timed through Flask's test client (server time: no network, no WSGI server). {ways}",
        "",
    ]
    for entry in measured:
        body += [*size_section(args, server, entry), ""]
    if len(measured) > 1:
        body += growth_section(measured)
    title = "Victim records at scale (bench/scale.py" + (", Virtuoso)" if server else ")")
    write_section(args.results, title, "\n".join(body))


if __name__ == "__main__":
    main()
