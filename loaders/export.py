"""``tipkg export``: a full dump of the built graph, with skolem IRIs turned back into blank nodes."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from tipkg import queries
from tipkg.errors import TipkgError
from tipkg.loaders.skolem import deskolemize_term, genid_prefix
from tipkg.namespaces import PREFIXES, id_prefixes
from tipkg.store import Store

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def export(store: Store, fmt: str, output: BinaryIO, *, base: str) -> int:
    """Write the whole graph to ``output``; returns the number of statements written.

    ``nq`` keeps the named graphs; ``ttl`` and ``jsonld`` write the union as one graph.
    """
    if fmt not in FORMATS:
        raise TipkgError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    prefix = genid_prefix(base)
    rows = queries.run(store, "dump-quads")
    if fmt == "nq":
        quads = sorted(
            {
                ox.Quad(deskolemize_term(r["s"], prefix), r["p"], deskolemize_term(r["o"], prefix), r["g"])
                for r in rows
            },
            key=str,
        )
        ox.serialize(quads, output, format=FORMATS[fmt])
        return len(quads)
    triples = sorted(
        {ox.Triple(deskolemize_term(r["s"], prefix), r["p"], deskolemize_term(r["o"], prefix)) for r in rows},
        key=str,
    )
    prefixes = {**PREFIXES, **id_prefixes(base)}
    ox.serialize(triples, output, format=FORMATS[fmt], prefixes=prefixes)
    return len(triples)
