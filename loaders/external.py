"""Third-party data into the graph: ``tipkg load SOURCE PATH``, ``tipkg sources``, ``tipkg unload``.

One mechanism for every kind of file. A *loader* (a module named in ``LOADERS``, exposing
``LOADER``) only reads: it parses the file, links its records to the graph's resources by IRI and
returns a ``Snapshot`` (triples, counts, what it skipped and why, what the graph lacks). This module
does the rest the same way for all of them:

1. the snapshot goes into its own named graph, ``<base>graph/external/<source>/<snapshot>``,
   with its provenance (``tip:SourceSnapshot``: files with SHA-256, the date the data speaks for,
   records read, loaded and skipped with why, licence) and the most specific kinds of the
   resources it types (``loaders/kinds.py``);
2. in a staging copy of the live store, replacing an earlier load of the same snapshot;
3. ``queries/checks/*-violation.rq`` run on the staging copy;
4. only then does it replace the live store. Any error before leaves the store as it was.

``tipkg build`` calls ``load_into`` for the sources named in ``tipkg.toml`` on its own staging
store, so a build and its sources are committed together, and keeps the other loaded snapshots.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from tipkg import queries
from tipkg.config import Settings, SourceSpec
from tipkg.errors import BuildError, TipkgError
from tipkg.loaders import kinds
from tipkg.loaders.record import now
from tipkg.namespaces import PREFIXES, TIP, graph_iri
from tipkg.queries.rows import value
from tipkg.store import Lines, Progress, Staging, Store, open_store
from tipkg.store.oxigraph import MemoryStore

# Source name -> the module that reads it. A new kind of file is one module and one line here.
LOADERS: dict[str, str] = {
    "legal-texts": "tipkg.loaders.legal_texts",
    "treaty-status": "tipkg.loaders.treaty_status",
    "un-sanctions": "tipkg.loaders.un_sanctions",
    "ctdc": "tipkg.loaders.ctdc",
    "svac": "tipkg.loaders.svac",
}

DANGLING = "dangling-reference-violation"  # the check a load replaces by one over what it refers to
MAX_REPORTED = 200
FRESH_MARGIN = 500_000  # triples; about the curated graph's size, so what stays is cheap to copy  # skipped or unmatched records kept in the provenance, one literal each
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
_XSD = PREFIXES["xsd"]
_DCT = PREFIXES["dcterms"]
_PROV = PREFIXES["prov"]
_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]


class LoadError(TipkgError):
    """A file that cannot be loaded: the message names the file and the line, row or element."""


@dataclass(frozen=True)
class Skip:
    """A record not loaded (or a reference the graph lacks), and why."""

    reference: str  # the record's own identifier, or file:line
    reason: str

    def __str__(self) -> str:
        return f"{self.reference}: {self.reason}"


@dataclass
class Snapshot:
    """What a loader read from one file or folder: the triples and the account of them."""

    source: str  # the LOADERS key
    snapshot: str  # this version's id within the source, a slug such as "2024-09-26"
    title: str
    files: list[Path]
    # A list, or a generator for a large file (read once); a large file's records as chunks of Lines.
    triples: Iterable[ox.Triple | Lines] = field(repr=False)
    as_of: date | None = None  # the date the data speaks for (the list's date, the table's status date)
    licence: str | None = None  # the licence or terms of use, in words or as a URL
    read: int = 0  # records read
    loaded: int = 0  # records that became triples
    skipped: list[Skip] = field(default_factory=list)
    unmatched: list[Skip] = field(default_factory=list)  # loaded, but naming something the graph lacks
    counts: dict[str, int] = field(default_factory=dict)  # anything else worth reporting, by label
    written: int | None = None  # triples written, once ``put`` has consumed ``triples``


@dataclass
class LoadContext:
    """What a loader may use: the graph it links to (the live one, or the build being staged)."""

    store: Store
    base: str
    as_of: date | None
    progress: Progress
    ontology_dir: Path | None = None  # where the curated Turtle is, for messages naming file and line
    _subjects: dict[str, bool] = field(default_factory=dict, repr=False)

    def iri(self, kind: str, local: str) -> str:
        """``<base>id/<kind>/<local>``, the project's resource IRI."""
        return f"{self.base}id/{kind}/{local}"

    def exists(self, iri: str) -> bool:
        """Whether the graph describes ``iri`` (has a type for it)."""
        if iri not in self._subjects:
            self._subjects[iri] = self.store.ask(f"ASK {{ <{iri}> a ?type }}")
        return self._subjects[iri]


class Loader(Protocol):
    name: str
    description: str  # one line for `tipkg sources --kinds`

    def read(self, path: Path, context: LoadContext) -> Snapshot:
        """Parse ``path``; raise LoadError naming file and line, row or element on bad input."""
        ...


@dataclass
class LoadResult:
    snapshot: Snapshot
    graph: str
    triples: int
    # The project IRIs the snapshot refers to, each with the first subject and property that did.
    references: dict[str, tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode]] = field(
        default_factory=dict, repr=False
    )


def loader(source: str) -> Loader:
    if source not in LOADERS:
        raise LoadError(f"unknown source {source!r}; known: {', '.join(sorted(LOADERS)) or 'none yet'}")
    return importlib.import_module(LOADERS[source]).LOADER


def graph_of(base: str, source: str, snapshot: str) -> str:
    return graph_iri(base, f"external/{source}/{snapshot}")


def load(
    settings: Settings,
    source: str,
    path: Path,
    *,
    as_of: date | None = None,
    store: Store | None = None,
    progress: Progress = lambda _: None,
) -> LoadResult:
    """Load ``path`` as a snapshot of ``source`` into the live store, all or nothing."""
    store = store or open_store(settings)
    _require_build(store)
    context = LoadContext(store, settings.base_iri, as_of, progress, Path(settings.ontology_dir))
    progress(f"reading {path} as {source} ...")
    snapshot = read(source, path, context)
    # What the checks read: the build's graphs (a remote store copies those alone) and the new one.
    staging = store.stage(keep=True, only=_build_graphs(store, settings.base_iri))
    try:
        result = put(staging, snapshot, settings.base_iri)
        progress(f"running build checks on {result.triples} triples ...")
        _check(staging, settings.base_iri, references=result.references, live=store)
        progress("committing ...")
        staging.commit(progress)
    except BaseException:
        staging.discard()
        raise
    return result


def read(source: str, path: Path, context: LoadContext) -> Snapshot:
    """Run the loader for ``source`` on ``path`` and check what it returned."""
    if not path.exists():
        raise LoadError(f"{path}: no such file or folder")
    snapshot = loader(source).read(path, context)
    if context.as_of is not None:
        snapshot.as_of = context.as_of
    if not _SLUG.fullmatch(snapshot.snapshot):
        raise LoadError(f"{source}: snapshot id {snapshot.snapshot!r} is not a lower-case slug")
    return snapshot


def put(staging: Staging, snapshot: Snapshot, base: str) -> LoadResult:
    """Write ``snapshot`` and its provenance into its graph of ``staging``, noting on the way the
    project IRIs (``<base>id/``) it refers to, for the reference check."""
    graph = graph_of(base, snapshot.source, snapshot.snapshot)
    prefix = f"{base}id/"
    references: dict[str, tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode]] = {}

    def noted() -> Iterator[ox.Triple | Lines]:
        snapshot.written = 0
        for triple in snapshot.triples:
            if isinstance(triple, Lines):
                snapshot.written += triple.count
                for iri, by in triple.references.items():
                    if iri.startswith(prefix) and iri not in references:
                        references[iri] = by
                yield triple
                continue
            snapshot.written += 1
            target = triple.object
            if type(target) is ox.NamedNode:
                iri = target.value
                if iri.startswith(prefix) and iri not in references:
                    references[iri] = (triple.subject, triple.predicate)
            yield triple

    # provenance() runs after the snapshot's triples are consumed, so it can count them (a generator);
    # the most specific kinds of what they type come last (loaders/kinds.py).
    triples = kinds.following(itertools.chain(noted(), provenance(snapshot, base)), staging.store)
    count = staging.replace_graph(graph, triples)
    return LoadResult(snapshot, graph, count, references)


def load_into(
    staging: Staging,
    specs: Iterable[SourceSpec],
    base: str,
    progress: Progress,
    ontology_dir: Path | None = None,
) -> list[LoadResult]:
    """For ``tipkg build``: load the configured sources into the build's staging store."""
    context = LoadContext(MemoryStore.wrapping(staging.store), base, None, progress, ontology_dir)
    results = []
    for spec in specs:
        context.as_of = spec.as_of
        progress(f"      loading {spec.source} from {spec.path}")
        results.append(put(staging, read(spec.source, spec.path, context), base))
    return results


def unload(
    settings: Settings,
    source: str,
    snapshot: str | None = None,
    *,
    store: Store | None = None,
    progress: Progress = lambda _: None,
) -> list[str]:
    """Remove one snapshot of ``source``, or all of them; the graphs removed."""
    store = store or open_store(settings)
    snapshots = loaded(store)
    found = [row for row in snapshots if row.source == source and snapshot in (None, row.snapshot)]
    if not found:
        what = f"snapshot {snapshot!r} of {source!r}" if snapshot else f"any snapshot of {source!r}"
        raise LoadError(f"the store holds no {what}; `tipkg sources` lists what is loaded")
    dropped = {row.graph for row in found}
    staying = [r for r in snapshots if r.graph not in dropped]
    kept = _build_graphs(store, settings.base_iri) + [r.graph for r in staying]
    # A remote store does not fetch what goes. One on disk copies what stays into a new store when
    # what goes is larger by FRESH_MARGIN, rather than deleting it from a copy of everything.
    fresh = sum(r.triples for r in found) > sum(r.triples for r in staying) + FRESH_MARGIN
    staging = store.stage(keep=True, only=kept, fresh=fresh)
    try:
        for row in found:
            staging.drop_graph(row.graph)
        _check(staging, settings.base_iri)
        staging.commit(progress)
    except BaseException:
        staging.discard()
        raise
    return [row.graph for row in found]


@dataclass(frozen=True)
class Loaded:
    """One loaded snapshot, as ``tipkg sources`` lists it."""

    source: str
    snapshot: str
    graph: str
    title: str
    as_of: str | None
    loaded_at: str
    files: str
    read: int
    records: int
    skipped: int
    triples: int


def loaded(store: Store) -> list[Loaded]:
    rows = queries.select(store, "sources")
    return [
        Loaded(
            source=value(r["source"]) or "",
            snapshot=value(r["snapshot"]) or "",
            graph=value(r["graph"]) or "",
            title=value(r["title"]) or "",
            as_of=value(r["asOf"]),
            loaded_at=value(r["loadedAt"]) or "",
            files=value(r["files"]) or "",
            read=int(value(r["read"]) or 0),
            records=int(value(r["records"]) or 0),
            skipped=int(value(r["skipped"]) or 0),
            triples=int(value(r["triples"]) or 0),
        )
        for r in rows
    ]


def provenance(snapshot: Snapshot, base: str) -> Iterator[ox.Triple]:
    """The snapshot's ``tip:SourceSnapshot`` node: what was read, when, and what came of it."""
    node = ox.NamedNode(f"{base}id/source/{snapshot.source}/{snapshot.snapshot}")
    graph = ox.NamedNode(graph_of(base, snapshot.source, snapshot.snapshot))

    def t(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(subject, ox.NamedNode(predicate), obj)

    def number(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(_XSD + "integer"))

    yield t(node, _RDF + "type", ox.NamedNode(TIP + "SourceSnapshot"))
    yield t(node, _RDFS + "label", ox.Literal(snapshot.title, language="en"))
    yield t(node, TIP + "sourceName", ox.Literal(snapshot.source))
    yield t(node, TIP + "snapshotId", ox.Literal(snapshot.snapshot))
    yield t(node, TIP + "graph", graph)
    yield t(
        node,
        _PROV + "generatedAtTime",
        ox.Literal(now().isoformat(), datatype=ox.NamedNode(_XSD + "dateTime")),
    )
    if snapshot.as_of:
        yield t(
            node, _DCT + "date", ox.Literal(snapshot.as_of.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
        )
    if snapshot.licence:
        yield t(node, _DCT + "license", ox.Literal(snapshot.licence))
    yield t(node, TIP + "recordsRead", number(snapshot.read))
    yield t(node, TIP + "recordsLoaded", number(snapshot.loaded))
    yield t(node, TIP + "recordsSkipped", number(len(snapshot.skipped)))
    written = snapshot.written if snapshot.written is not None else sum(1 for _ in triples(snapshot))
    yield t(node, TIP + "tripleCount", number(written))
    for skip in snapshot.skipped[:MAX_REPORTED]:
        yield t(node, TIP + "skipped", ox.Literal(str(skip)))
    for skip in snapshot.unmatched[:MAX_REPORTED]:
        yield t(node, TIP + "unmatched", ox.Literal(str(skip)))
    for label, count in sorted(snapshot.counts.items()):
        yield t(node, TIP + "reportedCount", ox.Literal(f"{label}: {count}"))
    for path in snapshot.files:
        file_node = ox.NamedNode(f"{node.value}/file/{path.name}")
        yield t(node, _PROV + "used", file_node)
        yield t(file_node, _RDF + "type", ox.NamedNode(TIP + "SourceFile"))
        yield t(file_node, TIP + "path", ox.Literal(path.name))
        yield t(file_node, TIP + "sha256", ox.Literal(sha256(path)))


def triples(snapshot: Snapshot) -> Iterator[ox.Triple]:
    """The snapshot's triples one by one, its chunks of ``Lines`` parsed (once: a generator is consumed)."""
    for item in snapshot.triples:
        if isinstance(item, Lines):
            yield from item.triples()
        else:
            yield item


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _require_build(store: Store) -> None:
    if not store.ask(f"ASK {{ ?b a <{TIP}Build> }}"):
        raise LoadError(f"{store.spec} holds no build: run `tipkg build` before `tipkg load`")


def _build_graphs(store: Store, base: str) -> list[str]:
    """The graphs the build record lists (curated, inferred, the model...) and the record's own."""
    record = graph_iri(base, "build")
    rows = store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{record}> {{ ?b a <{TIP}Build> ; <{TIP}graph> ?g }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return sorted({row["g"].value for row in rows} | {record})


def _check(staging: Staging, base: str, *, references: dict | None = None, live: Store | None = None) -> None:
    """The build checks on ``staging``. On a load (``references`` given), every check but the scan
    for dangling references runs over the staging store (a remote store's staging holds the build's
    graphs and the new one): they look things up by property, so their cost does not grow with a
    loaded snapshot's records. The scan for dangling
    references would read every triple of every snapshot; a load adds only its own graph, so it
    checks instead the project IRIs its snapshot refers to (noted while it was written: a few hundred
    for a million CTDC records), each for a type anywhere in the store. An unload, which may leave
    references dangling anywhere, runs every check in full."""
    from tipkg.loaders.build import run_checks  # build imports this module

    if references is None:
        run_checks(staging.store, [], base)
        return
    run_checks(staging.store, [], base, skip={DANGLING})
    typed = ox.NamedNode(_RDF + "type")
    untyped = [
        iri
        for iri in references
        if next(staging.store.quads_for_pattern(ox.NamedNode(iri), typed, None), None) is None
    ]
    if live is not None:  # a remote staging holds the build's graphs only: other snapshots are on the server
        untyped = [iri for iri in untyped if not live.ask(f"ASK {{ <{iri}> a ?type }}")]
    missing = sorted((iri, references[iri]) for iri in untyped)
    if missing:
        problems = [
            f"{DANGLING}: resource=<{iri}> referencedBy={subject} property={predicate}"
            for iri, (subject, predicate) in missing[:MAX_REPORTED]
        ]
        if len(missing) > MAX_REPORTED:
            problems.append(f"{DANGLING}: ... and {len(missing) - MAX_REPORTED} more")
        raise BuildError("build checks failed:\n  " + "\n  ".join(problems))
