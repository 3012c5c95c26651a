"""The most specific kinds of resources, stored as ``tip:mostSpecificKind`` so that pages read them.

A resource's most specific kind is each ``tip:`` class it is typed with (asserted or inferred) of
which no other of its types is a proper subclass (an ``rdfs:subClassOf`` statement in the graph).
Pages used to work this out per request with a ``FILTER NOT EXISTS`` over the subclasses, which
Virtuoso evaluates in about a second per page; it is a fact of the build, so it is computed once:

- ``tipkg build`` (``loaders/build.py``) stores the kinds of every resource the curated graphs type,
  with the reasoner's types, in the ``kinds`` graph;
- ``tipkg load`` (``loaders/external.py``) adds the kinds of the resources a snapshot types into the
  snapshot's own graph, from the class hierarchy of the store it is loaded into.

Both go through ``_Types``: the types seen per subject, then the kinds. A snapshot is expected to type
its own resources (listed parties, provisions from official texts, observations), not curated ones:
the kinds are computed from the types in the one graph.

>>> tip = "https://w3id.org/tipkg/ontology#"
>>> a, t = ox.NamedNode("https://example.org/a"), RDF_TYPE
>>> sub = ox.Triple(ox.NamedNode(tip + "Act"), SUBCLASS_OF, ox.NamedNode(tip + "Conduct"))
>>> typed = [ox.Triple(a, t, ox.NamedNode(tip + "Act")), ox.Triple(a, t, ox.NamedNode(tip + "Conduct"))]
>>> [str(k.object) for k in of([sub, *typed])]
['<https://w3id.org/tipkg/ontology#Act>']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from tipkg import queries
from tipkg.namespaces import PREFIXES, TIP
from tipkg.store import Lines

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
SUBCLASS_OF = ox.NamedNode(PREFIXES["rdfs"] + "subClassOf")
MOST_SPECIFIC_KIND = ox.NamedNode(TIP + "mostSpecificKind")


class _Types:
    """The types of each named subject and the direct superclasses of each class, as seen."""

    def __init__(self) -> None:
        self.types: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        self.superclasses: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)

    def see(self, triple: ox.Triple | ox.Quad) -> None:
        predicate = triple.predicate
        if predicate != RDF_TYPE and predicate != SUBCLASS_OF:
            return
        subject, obj = triple.subject, triple.object
        if not (isinstance(subject, ox.NamedNode) and isinstance(obj, ox.NamedNode)):
            return
        if predicate == SUBCLASS_OF:
            self.superclasses[subject].add(obj)
        elif obj.value.startswith(TIP) or obj in self.superclasses:
            # Only a tip: class, or one with superclasses, can be or shadow a kind: the million
            # qb:Observation types of a large snapshot are not kept.
            self.types[subject].add(obj)

    def kinds(self) -> Iterator[ox.Triple]:
        for subject in sorted(self.types, key=str):
            types = self.types[subject]
            # A type is shadowed when another type of the same subject is a proper subclass of it.
            shadowed = {sup for t in types for sup in self.superclasses.get(t, ()) if sup != t}
            for kind in sorted(types - shadowed, key=str):
                if kind.value.startswith(TIP):
                    yield ox.Triple(subject, MOST_SPECIFIC_KIND, kind)


def of(triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Triple]:
    """The kinds of the subjects ``triples`` type, from the class hierarchy they state (a build)."""
    seen, triples = _Types(), list(triples)
    for triple in triples:  # the hierarchy first, so that every type that can shadow a kind is kept
        if triple.predicate == SUBCLASS_OF:
            seen.see(triple)
    for triple in triples:
        if triple.predicate == RDF_TYPE:
            seen.see(triple)
    return list(seen.kinds())


def following(triples: Iterable[ox.Triple | Lines], hierarchy: ox.Store) -> Iterator[ox.Triple | Lines]:
    """``triples`` as they come, then the kinds of the subjects they type, from the class hierarchy
    in ``hierarchy`` (the store a snapshot is loaded into) and in ``triples``. Streams: a large
    snapshot is read once and only its types are kept. A chunk of ``Lines`` is parsed only if it
    types with a class that can be or shadow a kind (records typed ``qb:Observation`` are not)."""
    seen = _Types()
    solutions = hierarchy.query(queries.get("class-hierarchy").text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        seen.superclasses[row["class"]].add(row["superclass"])
    for triple in triples:
        if not isinstance(triple, Lines):
            seen.see(triple)
        elif any(c.startswith(TIP) or ox.NamedNode(c) in seen.superclasses for c in triple.classes):
            for one in triple.triples():
                seen.see(one)
        yield triple
    yield from seen.kinds()
