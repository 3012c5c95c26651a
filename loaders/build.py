"""``tipkg build``: the Turtle files in ontology/ to a validated, reasoned store, swapped in whole.

Steps, each reported to ``progress`` with its time:

1. parse every file (a syntax error names file, line and column);
2. validate model and data against the SHACL shapes (a violation names file, line and shape);
3. check consistency and classify with HermiT (an inconsistency names the resources at fault);
4. assemble the graphs: one per source file, ``inferred`` for the reasoner's additions, ``kinds``
   for the most specific kind of each resource (``loaders/kinds.py``), ``build`` for the build
   record; blank nodes skolemised;
5. load them into a staging store and run ``queries/checks/*-violation.rq`` there;
   then the external sources named in the settings are loaded into it (``loaders/external.py``)
   and the snapshots loaded earlier are kept;
6. commit: the staging store replaces the live one. Any failure before this leaves it untouched;
7. write the ontology's reference documentation (pyLODE) to ``settings.docs_dir``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tipkg import queries
from tipkg.config import Settings
from tipkg.errors import BuildError
from tipkg.loaders import docs, external, kinds, reasoning, shacl, skolem
from tipkg.loaders.record import BuildRecord, now
from tipkg.loaders.sources import Source, discover, locate, parse
from tipkg.namespaces import graph_iri, short
from tipkg.store import Progress, Staging, Store, open_store

MAX_CHECK_ROWS = 20


@dataclass
class BuildResult:
    build_id: str
    triples: int
    inferred: int
    files: int
    seconds: float


class _Steps:
    """Numbered steps with timings, reported through ``progress``."""

    def __init__(self, total: int, progress: Progress) -> None:
        self.total, self.progress, self.number = total, progress, 0

    def run(self, title: str, work: Callable[[], object]):
        self.number += 1
        self.progress(f"[{self.number}/{self.total}] {title} ...")
        started = time.perf_counter()
        result = work()
        self.progress(f"[{self.number}/{self.total}] {title}: done in {time.perf_counter() - started:.1f} s")
        return result


def build(
    settings: Settings, *, store: Store | None = None, progress: Progress = lambda _: None
) -> BuildResult:
    """Build the graph from ``settings.ontology_dir`` into the configured store."""
    started_clock = time.perf_counter()
    started = now()
    base = settings.base_iri
    store = store or open_store(settings)
    steps = _Steps(7, progress)

    def read() -> list[Source]:
        files = discover(Path(settings.ontology_dir))
        return [parse(path, Path(settings.ontology_dir)) for path in files]

    sources: list[Source] = steps.run("parse Turtle files", read)
    progress(f"      {len(sources)} files, {sum(len(s.triples) for s in sources)} triples")
    steps.run("validate against SHACL shapes", lambda: shacl.validate(sources))
    inferred: list[ox.Triple] = steps.run(
        "check consistency and classify with HermiT", lambda: reasoning.reason(sources, _diagnose)
    )
    progress(f"      {len(inferred)} inferred triples")

    def assemble() -> list[ox.Quad]:
        seen: set[ox.Triple] = set()
        quads: list[ox.Quad] = []
        # A triple stated in two files is stored once, in the first file's graph, so that the
        # union default graph counts it once on every store.
        for source in sources:
            graph = source.graph_name(base)
            for triple in source.triples:
                if triple not in seen:
                    seen.add(triple)
                    quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
        inferred_graph = ox.NamedNode(graph_iri(base, "inferred"))
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, inferred_graph) for t in inferred if t not in seen
        ]
        return skolem.skolemize(quads, base)

    quads: list[ox.Quad] = steps.run("assemble graphs", assemble)
    html: str = steps.run("document the model with pyLODE", lambda: docs.render(sources))
    kinds_graph = ox.NamedNode(graph_iri(base, "kinds"))
    graphs = sorted(
        {q.graph_name.value for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
        | {kinds_graph.value}
    )
    build_id = started.strftime("%Y%m%dT%H%M%SZ")
    staging = store.stage()
    try:

        def load() -> None:
            record = BuildRecord(build_id, started, now(), sources, graphs, len(quads), len(inferred))
            described = [*quads, *record.quads(base)]
            # The most specific kind of each resource, with the reasoner's types: what pages name it.
            typed = [ox.Quad(t.subject, t.predicate, t.object, kinds_graph) for t in kinds.of(described)]
            staging.store.bulk_extend([*described, *typed])
            _external(store, staging, settings, progress)
            run_checks(staging.store, sources, base)

        steps.run("load into a staging store, add the external sources, run build checks", load)
        steps.run(f"commit to {store.spec}", lambda: staging.commit(progress))
    except BaseException:
        staging.discard()
        raise
    progress(f"      reference documentation: {docs.write(html, Path(settings.docs_dir))}")
    return BuildResult(build_id, len(quads), len(inferred), len(sources), time.perf_counter() - started_clock)


def _external(store: Store, staging: Staging, settings: Settings, progress: Progress) -> None:
    """The sources named in the settings, loaded afresh; every other loaded snapshot kept as it is."""
    loaded = external.load_into(
        staging, settings.sources, settings.base_iri, progress, Path(settings.ontology_dir)
    )
    configured = {r.graph for r in loaded}
    kept = [
        q
        for q in store.quads(graph_iri(settings.base_iri, "external/"))
        if str(q.graph_name)[1:-1] not in configured
    ]
    staging.store.bulk_extend(kept)
    if kept:
        graphs = sorted({str(q.graph_name)[1:-1] for q in kept})
        progress(f"      kept {len(graphs)} loaded snapshot(s): {', '.join(graphs)}")


def run_checks(target: ox.Store, sources: list[Source], base: str, skip: Collection[str] = ()) -> None:
    problems: list[str] = []
    for check in queries.checks():
        if check.name in skip:
            continue
        params = {"base": base} if any(p.name == "base" for p in check.params) else {}
        solutions = target.query(check.bind(params), use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), f"{check.name} is not a SELECT query"
        rows = list(solutions)
        for row in rows[:MAX_CHECK_ROWS]:
            where = ""
            for variable in ("resource", "referencedBy", "subject", "provision"):
                if _bound(row, variable) and isinstance(row[variable], ox.NamedNode):
                    where = locate(sources, row[variable])
                    if not where.startswith("("):
                        break
            problems.append(f"{check.name}: {where} {' '.join(_describe(row))}".replace("  ", " "))
        if len(rows) > MAX_CHECK_ROWS:
            problems.append(f"{check.name}: ... and {len(rows) - MAX_CHECK_ROWS} more")
    if problems:
        raise BuildError("build checks failed:\n  " + "\n  ".join(problems))


def _bound(row: ox.QuerySolution, variable: str) -> bool:
    try:
        return row[variable] is not None
    except (KeyError, IndexError, TypeError):
        return False


def _describe(row: ox.QuerySolution) -> list[str]:
    out = []
    for variable in ("resource", "subject", "provision", "property", "referencedBy", "value", "message"):
        if _bound(row, variable):
            term = row[variable]
            out.append(f"{variable}={term.value if isinstance(term, ox.Literal) else term}")
    return out


def _diagnose(triples: list[ox.Triple]) -> list[tuple[ox.NamedNode, str]]:
    """On inconsistency: resources that belong to two disjoint classes, with the path that put
    them there (asserted type, or a property's domain or range)."""
    scratch = ox.Store()
    graph = ox.DefaultGraph()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    found = []
    solutions = scratch.query(queries.get("diagnose-disjoint-membership").text)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        found.append(
            (
                row["resource"],
                f"{short(row['resource'].value)} is both {short(row['first'].value)} and "
                f"{short(row['second'].value)}, which the model declares disjoint",
            )
        )
    return found
