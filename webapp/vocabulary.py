"""The vocabulary resolves: ``<base>ontology`` (and so every ``tip:`` term, a hash IRI in it) answers
the pyLODE reference documentation the build writes to ``docs_dir`` to browsers, and the model graphs
(``<base>graph/source/model/...``, as built) in Turtle, RDF/XML, JSON-LD or N-Triples to clients, by
``Accept`` or by extension (``/ontology.ttl``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app

from tipkg.queries.rows import GENID
from tipkg.webapp.linked_data import BY_EXTENSION, rdf_response, wanted_rdf_type

bp = Blueprint("vocabulary", __name__)
NOT_WRITTEN = (
    "The ontology's reference documentation has not been written on this server: `tipkg build` "
    "writes it to the docs_dir setting ({where}). The vocabulary itself is at /ontology.ttl."
)


def blank(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, genid: str):
    """A skolem IRI (OWL lists and restrictions) as the blank node it was authored as; its label
    starts with a letter, as RDF/XML's rdf:nodeID requires."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(genid):
        return ox.BlankNode("b" + term.value[len(genid) :])
    return term


def model_triples() -> list[ox.Triple]:
    """The ontology as built: every triple of the model graphs, without duplicates, in a stable order."""
    from tipkg.webapp import current_store

    base = current_app.config["TIPKG_SETTINGS"].base_iri
    quads = current_store().quads(f"{base}graph/source/model/")
    genid = base + GENID.lstrip("/")
    return sorted(
        {ox.Triple(blank(q.subject, genid), q.predicate, blank(q.object, genid)) for q in quads}, key=str
    )


def documentation() -> Response:
    directory = Path(current_app.config["TIPKG_SETTINGS"].docs_dir)
    try:
        html = (directory / "ontology.html").read_bytes()
    except OSError:
        abort(503, description=NOT_WRITTEN.format(where=directory))
    response = Response(html, mimetype="text/html")
    response.headers.add("Vary", "Accept")
    return response


@bp.get("/ontology")
@bp.get("/ontology.<extension>")
def ontology(extension: str | None = None):
    if extension == "html":
        return documentation()
    if extension and extension not in BY_EXTENSION:
        abort(
            404,
            description=f"No ontology in that format; available: ontology.html, "
            f"{', '.join('ontology.' + e for e in BY_EXTENSION)}.",
        )
    media_type = wanted_rdf_type(extension)
    if media_type is None:
        return documentation()
    triples = model_triples()
    if not triples:
        abort(503, description="The store holds no ontology: run `tipkg build` first.")
    return rdf_response(triples, media_type)
