"""Linked data: resource IRIs in RDF by content negotiation, dataset dumps, and the VoID/DCAT
description of the dataset at ``/.well-known/void``."""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request, url_for

from tipkg import queries
from tipkg.namespaces import PREFIXES, id_prefixes
from tipkg.queries.export import export

bp = Blueprint("linked_data", __name__)
RDF_TYPES = {
    "text/turtle": (ox.RdfFormat.TURTLE, "ttl"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, "nt"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, "rdf"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, "jsonld"),
}
BY_EXTENSION = {ext: media for media, (_, ext) in RDF_TYPES.items()}
DUMPS = {"nq": "application/n-quads", "ttl": "text/turtle", "jsonld": "application/ld+json"}


def wanted_rdf_type(extension: str | None) -> str | None:
    """The RDF media type asked for by extension or Accept header, or None for HTML."""
    if extension:
        return BY_EXTENSION.get(extension)
    best = request.accept_mimetypes.best_match(["text/html", *RDF_TYPES])
    return None if best in (None, "text/html") else best


def rdf_response(triples: list[ox.Triple], media_type: str) -> Response:
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    prefixes = (
        {**PREFIXES, **id_prefixes(base)} if media_type in {"text/turtle", "application/ld+json"} else None
    )
    fmt = RDF_TYPES[media_type][0]
    body = (
        ox.serialize(triples, format=fmt, prefixes=prefixes)
        if prefixes
        else ox.serialize(triples, format=fmt)
    )
    response = Response(body, mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.add("Vary", "Accept")
    return response


def resource_rdf(iri: str, media_type: str) -> Response:
    from tipkg.webapp import current_store

    triples = list(queries.construct(current_store(), "resource-graph", {"resource": iri}))
    if not triples:
        abort(404, description=f"The graph has no resource {iri}.")
    return rdf_response(sorted(set(triples), key=str), media_type)


@bp.get("/dumps/tipkg.<extension>")
def dump(extension: str):
    from tipkg.webapp import current_store

    if extension not in DUMPS:
        abort(
            404, description=f"No dump in that format; available: {', '.join('tipkg.' + e for e in DUMPS)}."
        )
    buffer = io.BytesIO()
    export(current_store(), extension, buffer, base=current_app.config["TIPKG_SETTINGS"].base_iri)
    response = Response(buffer.getvalue(), mimetype=DUMPS[extension])
    response.headers["Content-Disposition"] = f'attachment; filename="tipkg.{extension}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/void")
def void():
    """The dataset's description from the graph (``ontology/data/dataset.ttl``), with what only this
    server knows added by named queries: its endpoint and dump addresses, its counts and build."""
    from tipkg.webapp import current_store

    store = current_store()
    endpoint = url_for("sparql.endpoint", _external=True)
    triples = list(queries.construct(store, "dataset-description", {"endpoint": endpoint}))
    triples += queries.construct(store, "dataset-numbers")
    for extension, media in DUMPS.items():
        url = url_for("linked_data.dump", extension=extension, _external=True)
        triples += queries.construct(store, "dataset-dump", {"mediaType": media, "url": url})
    return rdf_response(sorted(set(triples), key=str), wanted_rdf_type(None) or "text/turtle")
