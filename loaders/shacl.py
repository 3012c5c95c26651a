"""SHACL validation of the model and data against the shapes in ontology/shapes/ (pySHACL)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from tipkg.errors import BuildError
from tipkg.loaders.sources import Source, locate
from tipkg.namespaces import PREFIXES, id_prefixes

MAX_REPORTED = 20


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (pySHACL's input), keeping blank nodes apart."""
    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


def _term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise BuildError(f"unsupported term {term!r}")


def validate(sources: list[Source]) -> int:
    """Validate model + data against the shapes; raise a BuildError listing each violation with
    its file and line, its shape and its message. Returns the number of focus nodes checked."""
    shapes = to_rdflib(t for s in sources if s.role == "shapes" for t in s.triples)
    data = to_rdflib(t for s in sources if s.role != "shapes" for t in s.triples)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return len(set(data.subjects()))
    # Name things in messages as the files do: their own prefixes, then the project's.
    for source in sources:
        for prefix, namespace in source.prefixes.items():
            if prefix:
                data.bind(prefix, namespace, override=False)
    for prefix, namespace in {
        **PREFIXES,
        **id_prefixes(),
        "shapes": "https://w3id.org/tipkg/shapes#",
    }.items():
        data.bind(prefix, namespace, override=True, replace=True)
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        shape = report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        term = ox.BlankNode(str(focus)) if isinstance(focus, rdflib.BNode) else ox.NamedNode(str(focus))
        where = locate(sources, term)
        if isinstance(shape, rdflib.BNode):  # a property shape: name the node shape that holds it
            shape = shapes.value(predicate=SH.property, object=shape) or shape
        shape_name = (
            shape.n3(data.namespace_manager) if isinstance(shape, rdflib.URIRef) else "a property shape"
        )
        path_text = f" {path.n3(data.namespace_manager)}" if path is not None else ""
        focus_text = focus.n3(data.namespace_manager) if isinstance(focus, rdflib.URIRef) else "(blank node)"
        problems.append(f"{where}: {focus_text}{path_text}: {message} [shape {shape_name}]")
    problems.sort()
    shown = problems[:MAX_REPORTED]
    more = f"\n  ... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
    raise BuildError(
        f"SHACL validation failed with {len(problems)} violation(s):\n  " + "\n  ".join(shown) + more
    )
