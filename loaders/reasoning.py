"""OWL reasoning at build time: HermiT (through owlready2) checks consistency and classifies; the
inferences that matter (class membership, inverse, symmetric and transitive links between named
resources) come back as triples for the ``inferred`` graph.

HermiT starts a JVM (about 2 s here), so this runs once per build, never per request.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable

import owlready2
import pyoxigraph as ox

from tipkg.errors import BuildError
from tipkg.loaders.sources import Source, locate

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = ox.NamedNode(_RDF + "type")
RDFS_RANGE = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")
# The OWL 2 datatype map (what HermiT accepts); other literals (xsd:date, xsd:gYear) carry no
# logical weight here and are left out of the reasoner's input, not out of the graph.
OWL2_DATATYPES = {
    _RDF + "PlainLiteral",
    _RDF + "langString",
    _RDF + "XMLLiteral",
    "http://www.w3.org/2000/01/rdf-schema#Literal",
    "http://www.w3.org/2002/07/owl#real",
    "http://www.w3.org/2002/07/owl#rational",
} | {
    _XSD + name
    for name in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    ]
}


def reasoner_input(triples: Iterable[ox.Triple]) -> tuple[bytes, int]:
    """N-Triples for HermiT, without literals and ranges outside the OWL 2 datatype map."""
    kept, dropped = [], 0
    for t in triples:
        if isinstance(t.object, ox.Literal) and t.object.datatype.value not in OWL2_DATATYPES:
            dropped += 1
            continue
        if (
            t.predicate == RDFS_RANGE
            and isinstance(t.object, ox.NamedNode)
            and t.object.value.startswith(_XSD)
            and t.object.value not in OWL2_DATATYPES
        ):
            dropped += 1
            continue
        kept.append(f"{t.subject} {t.predicate} {t.object} .")
    return ("\n".join(kept) + "\n").encode("utf-8"), dropped


def reason(sources: list[Source], diagnose) -> list[ox.Triple]:
    """Check consistency and return the inferred triples not already asserted.

    ``diagnose`` is called on inconsistency with the asserted triples and returns lines that name
    the resources at fault; they go into the BuildError.
    """
    if shutil.which(owlready2.JAVA_EXE) is None and shutil.which("java") is None:
        raise BuildError("HermiT needs Java: install a Java runtime (e.g. Debian's default-jre-headless)")
    triples = [t for s in sources if s.role != "shapes" for t in s.triples]
    data, _ = reasoner_input(triples)
    world = owlready2.World()
    try:
        world.get_ontology("https://w3id.org/tipkg/reasoning-input").load(
            fileobj=io.BytesIO(data), format="ntriples"
        )
        with world.get_ontology("https://w3id.org/tipkg/inferred#"):
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        lines = diagnose(triples) or [
            "HermiT gave no explanation; look for a resource typed into disjoint classes"
        ]
        raise BuildError(
            "OWL inconsistency found by HermiT:\n  " + "\n  ".join(_with_location(sources, lines))
        ) from exc
    except owlready2.OwlReadyJavaError as exc:
        raise BuildError(f"HermiT failed: {str(exc).strip().splitlines()[-1]}") from exc
    asserted = set(triples)
    subjects = sorted(
        {t.subject.value for t in triples if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode)}
    )
    return sorted(set(_entailments(world, subjects)) - asserted, key=str)


def _with_location(sources: list[Source], lines: list[tuple[ox.NamedNode, str]] | list[str]) -> list[str]:
    out = []
    for line in lines:
        if isinstance(line, tuple):
            term, text = line
            out.append(f"{locate(sources, term)}: {text}")
        else:
            out.append(line)
    return out


def _named(entity) -> str | None:
    iri = getattr(entity, "iri", None)
    return iri if isinstance(iri, str) and iri.startswith(("http://", "https://", "urn:")) else None


def _entailments(world: owlready2.World, subjects: list[str]):
    # owlready2 lists only owl:NamedIndividual in world.individuals(); ours are plain typed IRIs.
    thing = owlready2.Thing
    for subject in subjects:
        individual = world[subject]
        if not isinstance(individual, owlready2.Thing):
            continue
        s = ox.NamedNode(subject)
        for cls in individual.INDIRECT_is_a:
            if isinstance(cls, owlready2.ThingClass) and cls is not thing and _named(cls):
                yield ox.Triple(s, RDF_TYPE, ox.NamedNode(cls.iri))
    for prop in world.object_properties():
        p_iri = _named(prop)
        if p_iri is None:
            continue
        p = ox.NamedNode(p_iri)
        inverse = prop.inverse_property
        inverse_iri = _named(inverse) if inverse is not None else None
        symmetric = owlready2.SymmetricProperty in prop.is_a
        for subject, value in prop.get_relations():
            s_iri, o_iri = _named(subject), _named(value)
            if s_iri is None or o_iri is None:
                continue
            s, o = ox.NamedNode(s_iri), ox.NamedNode(o_iri)
            yield ox.Triple(s, p, o)
            if inverse_iri:
                yield ox.Triple(o, ox.NamedNode(inverse_iri), s)
            if symmetric:
                yield ox.Triple(o, p, s)
