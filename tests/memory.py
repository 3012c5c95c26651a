"""A project memory store filled from Turtle texts, for tests of shaping and checks on small graphs."""

from __future__ import annotations

import pyoxigraph as ox

from tipkg.loaders import kinds
from tipkg.namespaces import TIP, graph_iri
from tipkg.store.oxigraph import MemoryStore

BASE = "https://w3id.org/tipkg/"


def memory_store(*turtle: bytes | str) -> MemoryStore:
    """A ``memory:`` store (the project's interface, not bare pyoxigraph) holding ``turtle``, laid out
    as a build lays out its graphs: the triples in a named graph, the most specific kinds of what they
    type in ``kinds`` (loaders/kinds.py) and a build record listing both, which queries that read the
    project's graphs by name (build-graphs) go by."""
    store = MemoryStore("memory:")
    staging = store.stage()
    data, kinds_graph = ox.NamedNode(graph_iri(BASE, "test")), ox.NamedNode(graph_iri(BASE, "kinds"))
    for text in turtle:
        raw = text.encode() if isinstance(text, str) else text
        staging.store.load(raw, format=ox.RdfFormat.TURTLE, to_graph=data)
    typed = kinds.of(staging.store.quads_for_pattern(None, None, None, data))
    staging.store.extend(ox.Quad(t.subject, t.predicate, t.object, kinds_graph) for t in typed)
    record, build = ox.NamedNode(graph_iri(BASE, "build")), ox.NamedNode(BASE + "id/build/test")
    staging.store.add(ox.Quad(build, ox.NamedNode(PREFIX_RDF + "type"), ox.NamedNode(TIP + "Build"), record))
    for graph in (data, kinds_graph):
        staging.store.add(ox.Quad(build, ox.NamedNode(TIP + "graph"), graph, record))
    staging.commit(lambda _message: None)
    return store


PREFIX_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
