"""Linked data: resource IRIs in RDF by content negotiation, dataset dumps, and the VoID/DCAT
description of the dataset at ``/.well-known/void``."""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request, url_for

from tipkg import queries
from tipkg.loaders.export import export
from tipkg.namespaces import PREFIXES, id_prefixes

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

    triples = list(queries.run(current_store(), "resource-graph", {"resource": iri}))
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
    from tipkg.webapp import current_store

    store = current_store()
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    stats = next(iter(queries.run(store, "dataset-statistics")))
    build = next(iter(queries.run(store, "build-record")), None)
    dataset = ox.NamedNode(f"{base}dataset")
    void_ns, dcat, dct = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def lit(value, datatype="integer"):
        return ox.Literal(str(value), datatype=ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{datatype}"))

    t = [
        ox.Triple(dataset, rdf_type, ox.NamedNode(void_ns + "Dataset")),
        ox.Triple(dataset, rdf_type, ox.NamedNode(dcat + "Dataset")),
        ox.Triple(
            dataset,
            ox.NamedNode(dct + "title"),
            ox.Literal("TIPKG: trafficking in persons in armed conflict", language="en"),
        ),
        ox.Triple(
            dataset,
            ox.NamedNode(dct + "description"),
            ox.Literal(
                "A legal knowledge graph linking the elements of trafficking in persons to the instruments, grave violations, "
                "conflict-related sexual violence, atrocity crimes and sanctions regimes that reach the same conduct.",
                language="en",
            ),
        ),
        ox.Triple(
            dataset,
            ox.NamedNode(dct + "license"),
            ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"),
        ),
        ox.Triple(
            dataset,
            ox.NamedNode(void_ns + "sparqlEndpoint"),
            ox.NamedNode(url_for("sparql.endpoint", _external=True)),
        ),
        ox.Triple(dataset, ox.NamedNode(void_ns + "uriSpace"), ox.Literal(f"{base}id/")),
        ox.Triple(
            dataset, ox.NamedNode(void_ns + "vocabulary"), ox.NamedNode("https://w3id.org/tipkg/ontology#")
        ),
    ]
    for name, key in (
        ("triples", "triples"),
        ("distinctSubjects", "subjects"),
        ("classes", "classes"),
        ("properties", "properties"),
    ):
        t.append(ox.Triple(dataset, ox.NamedNode(void_ns + name), lit(stats[key].value)))
    for extension, media in DUMPS.items():
        url = ox.NamedNode(url_for("linked_data.dump", extension=extension, _external=True))
        t.append(ox.Triple(dataset, ox.NamedNode(void_ns + "dataDump"), url))
        distribution = ox.NamedNode(f"{base}dataset/distribution/{extension}")
        t += [
            ox.Triple(dataset, ox.NamedNode(dcat + "distribution"), distribution),
            ox.Triple(distribution, rdf_type, ox.NamedNode(dcat + "Distribution")),
            ox.Triple(distribution, ox.NamedNode(dcat + "downloadURL"), url),
            ox.Triple(distribution, ox.NamedNode(dcat + "mediaType"), ox.Literal(media)),
        ]
    for row in queries.run(store, "seed-documents"):
        t.append(ox.Triple(dataset, ox.NamedNode(dct + "source"), row["document"]))
    if build is not None:
        t.append(ox.Triple(dataset, ox.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy"), build["build"]))
        t.append(ox.Triple(dataset, ox.NamedNode(dct + "modified"), build["ended"]))
    media_type = wanted_rdf_type(None) or "text/turtle"
    return rdf_response(t, media_type)
