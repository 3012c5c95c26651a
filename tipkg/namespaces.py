"""The project's namespaces and the prefixes used in queries, exports and messages."""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/tipkg/"
TIP = "https://w3id.org/tipkg/ontology#"

PREFIXES: dict[str, str] = {
    "tip": TIP,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
}


def id_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for the resource kinds under ``base`` (``inst:`` for instruments and so on)."""
    kinds = {
        "inst": "instrument",
        "pr": "provision",
        "act": "act",
        "means": "means",
        "purpose": "purpose",
        "conduct": "conduct",
        "gv": "grave-violation",
        "crsv": "crsv",
        "qual": "qualification",
        "fw": "framework",
        "ov": "overlap",
        "regime": "regime",
        "criterion": "criterion",
        "org": "org",
        "doc": "document",
        "scheme": "scheme",
    }
    return {prefix: f"{base}id/{kind}/" for prefix, kind in kinds.items()}


def graph_iri(base: str, name: str) -> str:
    """IRI of one of the store's named graphs, e.g. ``graph_iri(base, "inferred")``."""
    return f"{base}graph/{name}"


def short(iri: str, base: str = DEFAULT_BASE) -> str:
    """``tip:Act`` for a term of a known namespace, ``<iri>`` otherwise: for messages and tables."""
    for prefix, namespace in {**PREFIXES, **id_prefixes(base)}.items():
        if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
