"""Blank nodes become stable IRIs in the store (RDF 1.1 skolemisation under ``.well-known/genid/``)
and go back to blank nodes in dumps.

The IRI is a hash of the node's content and of what refers to it, so it is the same on every build
and on every store, and a change to one pinpoint does not rename the others. Stores then never see
blank nodes, which keeps chunked uploads and cross-store comparisons exact.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def genid_prefix(base: str) -> str:
    return f"{base}.well-known/genid/"


def skolemize(quads: Iterable[ox.Quad], base: str) -> list[ox.Quad]:
    quads = list(quads)
    outgoing: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    incoming: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            outgoing[q.subject].append(q)
        if isinstance(q.object, ox.BlankNode):
            incoming[q.object].append(q)
    content: dict[ox.BlankNode, str] = {}

    def content_of(node: ox.BlankNode, seen: frozenset = frozenset()) -> str:
        if node in content:
            return content[node]
        if node in seen:  # a cycle of blank nodes: cut it, the rest still tells them apart
            return "cycle"
        lines = sorted(
            f"{q.predicate} {content_of(q.object, seen | {node}) if isinstance(q.object, ox.BlankNode) else q.object}"
            for q in outgoing[node]
        )
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        content[node] = digest
        return digest

    prefix = genid_prefix(base)
    names: dict[ox.BlankNode, ox.NamedNode] = {}
    for node in set(outgoing) | set(incoming):
        referrers = sorted(
            f"{content_of(q.subject) if isinstance(q.subject, ox.BlankNode) else q.subject} {q.predicate}"
            for q in incoming[node]
        )
        key = "\n".join([*referrers, content_of(node)])
        names[node] = ox.NamedNode(prefix + hashlib.sha256(key.encode()).hexdigest()[:24])

    def swap(term):
        return names[term] if isinstance(term, ox.BlankNode) else term

    return [ox.Quad(swap(q.subject), q.predicate, swap(q.object), q.graph_name) for q in quads]


def deskolemize_term(term, prefix: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
        return ox.BlankNode(term.value[len(prefix) :])
    return term
