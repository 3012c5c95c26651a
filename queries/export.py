"""A full dump of the built graph in one RDF format, with skolem IRIs turned back into blank nodes.

Generic over every store (it runs the named query ``dump-quads``), so the command line and the web
app's ``/dumps/`` both use it without reaching up into the build stage.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import pyoxigraph as ox

from tipkg import queries
from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES, id_prefixes
from tipkg.queries.rows import GENID

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def _blank(term: Any, prefix: str) -> Any:
    """A skolem IRI (``<base>.well-known/genid/...``) as the blank node it was; other terms as they are."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
        return ox.BlankNode(term.value[len(prefix) :])
    return term


def export(store: Any, fmt: str, output: BinaryIO, *, base: str) -> int:
    """Write the whole graph to ``output``; returns the number of statements written.

    ``nq`` keeps the named graphs; ``ttl`` and ``jsonld`` write the union as one graph.
    """
    if fmt not in FORMATS:
        raise TipkgError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    prefix = base + GENID.lstrip("/")
    rows = queries.select(store, "dump-quads")
    if fmt == "nq":
        quads = sorted(
            {ox.Quad(_blank(r["s"], prefix), r["p"], _blank(r["o"], prefix), r["g"]) for r in rows}, key=str
        )
        ox.serialize(quads, output, format=FORMATS[fmt])
        return len(quads)
    triples = sorted(
        {ox.Triple(_blank(r["s"], prefix), r["p"], _blank(r["o"], prefix)) for r in rows}, key=str
    )
    prefixes = {**PREFIXES, **id_prefixes(base)}
    ox.serialize(triples, output, format=FORMATS[fmt], prefixes=prefixes)
    return len(triples)
