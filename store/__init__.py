"""Stores behind one small interface, chosen by the ``store`` setting.

- ``oxigraph:PATH``: embedded Oxigraph on disk (the default). ``PATH`` is a symbolic link to the
  current build's directory; a build fills a new directory and swaps the link only when complete,
  so a failed build leaves the previous store serving.
- ``memory:``: Oxigraph in memory, for tests and one-off runs.
- ``sparql:QUERY_URL[,UPDATE_URL[,GRAPH_STORE_URL]]``: any SPARQL 1.1 Query + Update server
  (Virtuoso is the one tested), spoken to with SPARQLWrapper; with ``GRAPH_STORE_URL`` (Virtuoso:
  ``.../sparql-graph-crud``) builds upload through the Graph Store HTTP Protocol (``store/sparql.py``).

Every backend answers queries with pyoxigraph's result types (``QuerySolutions``, ``QueryBoolean``,
or an iterator of ``Triple``: the ``QueryResult`` union), so the stages above never care which store
they talk to; ``select()``, ``ask()`` and ``construct()`` check the form and narrow the type. Boolean
values are ``"true"``/``"false"`` typed ``xsd:boolean`` from every backend. Queries see the union of
the project's named graphs as their default graph.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from tipkg.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from tipkg.config import Settings

Progress = Callable[[str], None]
BATCH = 200_000  # quads per bulk load when a graph is replaced
# Chunks of Lines loading at once: Oxigraph's bulk loader works on one thread per load (its CLI
# too loads several files into one store at once); two use both cores of the benchmark machine.
LOADERS = 2
QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]


@dataclass(frozen=True)
class Lines:
    """Many triples as N-Triples text, for a large snapshot's records a chunk at a time: Oxigraph
    parses and loads the text itself, in Rust and without holding the GIL, so that the next chunks
    are made while earlier ones load. ``ox.Triple`` objects cost as much to make in Python as to load,
    and ``bulk_extend`` holds the GIL while it loads them: a CTDC load ran at half the rate
    (bench/RESULTS.md, "Load throughput after h16load"). Text made of terms as Oxigraph writes them
    (``str`` of a ``NamedNode`` or ``Literal``) is valid N-Triples.

    What loading code notes of the triples it writes, a chunk states instead of being read back:
    ``references``, every IRI its objects name, each with the first subject and property naming it;
    ``classes``, every class its ``rdf:type`` triples name."""

    data: bytes
    count: int  # triples
    references: dict[str, tuple[ox.NamedNode, ox.NamedNode]] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()

    def triples(self) -> Iterator[ox.Triple]:
        """The triples, parsed (for what needs them one by one: tests, a loader's own checks)."""
        for quad in ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple


class Staging(ABC):
    """A writable store to fill and check before it replaces the live one.

    A staging started with ``keep=True`` holds the live content to begin with; its changes are
    made graph by graph with ``replace_graph`` and ``drop_graph``, so that a remote store uploads
    only the graphs that changed."""

    store: ox.Store
    changed: set[str]
    partial: bool = False

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad | ox.Triple | Lines]) -> int:
        """Make ``graph`` hold exactly ``quads`` (triples, quads whose own graph names are ignored,
        or ``Lines``); their count. Chunks of lines load in threads while the next is made."""
        name = ox.NamedNode(graph)
        self.store.remove_graph(name) if self.store.contains_named_graph(name) else None
        count = 0
        batch: list[ox.Quad] = []
        loading: deque[Future[None]] = deque()
        # LOADERS chunks at most loading at a time (bounded memory), and none beside a bulk_extend.
        with ThreadPoolExecutor(max_workers=LOADERS, thread_name_prefix="bulk-load") as pool:
            for item in quads:
                if isinstance(item, Lines):
                    if len(loading) == LOADERS:
                        loading.popleft().result()
                    loading.append(
                        pool.submit(
                            self.store.bulk_load,
                            input=item.data,
                            format=ox.RdfFormat.N_TRIPLES,
                            to_graph=name,
                        )
                    )
                    count += item.count
                    continue
                batch.append(ox.Quad(item.subject, item.predicate, item.object, name))
                if len(batch) == BATCH:  # bounded memory for large loads
                    while loading:
                        loading.popleft().result()
                    self.store.bulk_extend(batch)
                    count, batch = count + len(batch), []
            while loading:
                loading.popleft().result()
            self.store.bulk_extend(batch)
            count += len(batch)
        self.changed.add(graph)
        return count

    def drop_graph(self, graph: str) -> None:
        name = ox.NamedNode(graph)
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        self.changed.add(graph)

    @abstractmethod
    def commit(self, progress: Progress) -> None:
        """Make the staged content the live content."""

    @abstractmethod
    def discard(self) -> None:
        """Throw the staged content away; the live store is untouched."""


class Store(ABC):
    """A place the graph lives in, that answers SPARQL and can be replaced whole."""

    # Seconds a reader may trust what it last read of the store's state (its build record) before
    # asking again: 0 for a local store (asking costs well under a millisecond); a remote store's
    # own list of graphs is trusted as long, so a new build shows within that time either way.
    state_ttl: float = 0.0
    # Whether queries from several threads run at once: a remote server's do (the client waits on the
    # network); pyoxigraph holds the GIL while it evaluates, so threads would only take turns.
    concurrent_reads: bool = False

    def __init__(self, spec: str) -> None:
        self.spec = spec

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        booleans: Collection[str] = (),
    ) -> QueryResult:
        """Run a SPARQL query. Its default graph is the union of the project's graphs, unless
        ``default_graphs`` names others (as the SPARQL Protocol's ``default-graph-uri`` does); its
        named graphs are the project's, unless ``named_graphs`` names others (``[]``: none named,
        so every graph the store holds, as the protocol's service without ``named-graph-uri``);
        ``base_iri`` resolves relative IRIs in the query. ``booleans``: the result variables that
        hold booleans, for servers that answer them as integers (``tipkg.queries`` finds them)."""

    def select(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        booleans: Collection[str] = (),
    ) -> ox.QuerySolutions:
        """Run a SELECT query; the solutions, or StoreError if ``sparql`` is of another form."""
        result = self.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, booleans=booleans
        )
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError(f"expected a SELECT query, got {type(result).__name__}")
        return result

    def ask(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        booleans: Collection[str] = (),
    ) -> bool:
        """Run an ASK query; its answer, or StoreError if ``sparql`` is of another form."""
        result = self.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, booleans=booleans
        )
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError(f"expected an ASK query, got {type(result).__name__}")
        return bool(result)

    def construct(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        booleans: Collection[str] = (),
    ) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query; its triples, or StoreError for another form."""
        result = self.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, booleans=booleans
        )
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            raise StoreError(f"expected a CONSTRUCT or DESCRIBE query, got {type(result).__name__}")
        return list(result)

    @abstractmethod
    def quads(self, graph_prefix: str | None = None) -> Iterator[ox.Quad]:
        """The live content, every quad in the project's named graphs (those whose IRI starts
        with ``graph_prefix``, if given)."""

    def quads_of(self, graphs: Collection[str]) -> Iterator[ox.Quad]:
        """The live content of ``graphs`` only."""
        wanted = {ox.NamedNode(g) for g in graphs}
        return (q for q in self.quads() if q.graph_name in wanted)

    @abstractmethod
    def _new_staging(self) -> Staging:
        """An empty staging store for this backend."""

    def stage(
        self, *, keep: bool = False, only: Collection[str] | None = None, fresh: bool = False
    ) -> Staging:
        """Start a replacement of the content: from nothing (a build), or with ``keep`` from a
        copy of the live content, to change graph by graph (a load or an unload). ``only`` names
        the graphs a copy needs (what the checks read): a remote store copies those alone, and its
        other graphs stay on the server as they are; a store on disk keeps everything anyway, unless
        ``fresh`` says that ``only`` is all that stays (an unload of most of the content)."""
        staging = self._new_staging()
        staging.changed = set()
        if keep:
            staging.partial = True
            quads = self.quads() if only is None else self.quads_of(only)
            try:
                staging.store.bulk_extend(quads)
            except BaseException:
                staging.discard()
                raise
        return staging

    def close(self) -> None:  # noqa: B027 - optional for backends that hold nothing
        """Release files or connections."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"


def open_store(settings: Settings, *, serving: bool = False) -> Store:
    """Open the store the settings name. Nothing is created until a build commits. ``serving``: for
    a server, which answers from an in-memory copy of an on-disk build if ``serve_from_memory``."""
    kind, _, rest = settings.store.partition(":")
    if kind == "oxigraph":
        from tipkg.store.oxigraph import DiskStore

        if not rest:
            raise ConfigError("store 'oxigraph:' needs a directory path, e.g. oxigraph:var/store")
        return DiskStore(
            settings.store,
            rest,
            in_memory=serving and settings.serve_from_memory,
            memory_max_bytes=settings.serve_memory_max_mb * 2**20,
        )
    if kind == "memory":
        from tipkg.store.oxigraph import MemoryStore

        return MemoryStore(settings.store)
    if kind == "sparql":
        from tipkg.store.sparql import SparqlStore

        query_url, _, more = rest.partition(",")
        update_url, _, graph_store_url = more.partition(",")
        if not query_url.startswith(("http://", "https://")):
            raise ConfigError(f"store 'sparql:' needs an http(s) query URL, got {query_url!r}")
        return SparqlStore(
            settings.store,
            query_url,
            update_url or query_url,
            graph_prefix=settings.base_iri + "graph/",
            graphs_query=_named_query_text("build-graphs"),
            graph_store_url=graph_store_url or None,
            user=settings.sparql_user,
            password=settings.sparql_password,
        )
    raise ConfigError(f"unknown store kind {kind!r}")


def _named_query_text(name: str) -> str:
    """The text of a named query file, found without importing the query layer above the store."""
    spec = importlib.util.find_spec("tipkg.queries")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / f"{name}.rq"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise ConfigError(f"the named query {name!r} is not installed with tipkg.queries")


def count_quads(quads: Iterable[ox.Quad]) -> int:
    return sum(1 for _ in quads)
