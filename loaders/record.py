"""The build record: when a build ran, what it read (paths, hashes, triple counts), which graphs
it wrote and with which tools. It lives in the graph ``<base>graph/build`` and /healthz shows it."""

from __future__ import annotations

import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

import pyoxigraph as ox

from tipkg.loaders.sources import Source
from tipkg.namespaces import PREFIXES, TIP, graph_iri

_XSD = PREFIXES["xsd"]
TOOLS = ("tipkg", "pyoxigraph", "rdflib", "pyshacl", "owlready2", "SPARQLWrapper", "Flask", "pylode")


def _java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "java (not found)"
    first = (out.stderr or out.stdout).splitlines()
    return first[0].strip() if first else "java (unknown version)"


def tool_versions() -> list[str]:
    found = [f"python {platform.python_version()}"]
    for name in TOOLS:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    found.append("HermiT (bundled with owlready2)")
    found.append(_java_version())
    return found


@dataclass
class BuildRecord:
    build_id: str
    started: datetime
    ended: datetime
    sources: list[Source]
    graphs: list[str]
    triple_count: int
    inferred_count: int

    def quads(self, base: str) -> list[ox.Quad]:
        g = ox.NamedNode(graph_iri(base, "build"))
        build = ox.NamedNode(f"{base}id/build/{self.build_id}")

        def q(s, p, o):
            return ox.Quad(s, ox.NamedNode(p), o, g)

        def lit(value, datatype):
            return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + datatype))

        out = [
            q(build, PREFIXES["rdf"] + "type", ox.NamedNode(TIP + "Build")),
            q(build, PREFIXES["rdfs"] + "label", ox.Literal(f"Build {self.build_id}", language="en")),
            q(build, PREFIXES["prov"] + "startedAtTime", lit(self.started.isoformat(), "dateTime")),
            q(build, PREFIXES["prov"] + "endedAtTime", lit(self.ended.isoformat(), "dateTime")),
            q(build, TIP + "tripleCount", lit(self.triple_count, "integer")),
            q(build, TIP + "inferredTripleCount", lit(self.inferred_count, "integer")),
        ]
        for tool in tool_versions():
            out.append(q(build, TIP + "toolVersion", ox.Literal(tool)))
        for name in [*self.graphs, graph_iri(base, "build")]:
            out.append(q(build, TIP + "graph", ox.NamedNode(name)))
        for source in self.sources:
            node = ox.NamedNode(f"{base}id/build/{self.build_id}/source/{source.relative}")
            out += [
                q(build, TIP + "sourceFile", node),
                q(node, PREFIXES["rdf"] + "type", ox.NamedNode(TIP + "SourceFile")),
                q(node, TIP + "path", ox.Literal(source.relative)),
                q(node, TIP + "sha256", ox.Literal(source.sha256)),
                q(node, TIP + "tripleCount", lit(len(source.triples), "integer")),
                q(node, TIP + "graph", source.graph_name(base)),
            ]
        return out


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
