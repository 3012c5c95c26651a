"""Reading the Turtle sources: discovery, parsing with positions in errors, and locating a resource
in its file so that later errors (SHACL, OWL) can name the file and line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tipkg.errors import BuildError

ROLES = ("model", "shapes", "data")  # folder names under ontology/, in load order
_PREFIX = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


@dataclass
class Source:
    """One Turtle file, parsed."""

    path: Path
    relative: str
    role: str
    sha256: str
    text: str
    triples: list[ox.Triple] = field(repr=False)
    prefixes: dict[str, str] = field(default_factory=dict, repr=False)

    def graph_name(self, base: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base}graph/source/{self.relative.removesuffix('.ttl')}")

    def line_of(self, iri: str) -> int | None:
        """The first line where ``iri`` starts a statement (else where it first appears)."""
        names = [re.escape(f"<{iri}>")]
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", iri[len(namespace) :]):
                names.append(re.escape(f"{prefix}:{iri[len(namespace) :]}") + r"(?![\w-])")
        pattern = "|".join(names)
        first = None
        for number, line in enumerate(self.text.splitlines(), start=1):
            if re.match(rf"^(?:{pattern})", line):
                return number
            if first is None and re.search(pattern, line):
                first = number
        return first


def discover(ontology_dir: Path) -> list[Path]:
    """The Turtle files a build reads: model, shapes, then data, each sorted by path."""
    if not ontology_dir.is_dir():
        raise BuildError(f"ontology folder {ontology_dir} does not exist")
    files: list[Path] = []
    for role in ROLES:
        files.extend(sorted((ontology_dir / role).rglob("*.ttl")))
    if not files:
        raise BuildError(f"no Turtle files under {ontology_dir}/{{{','.join(ROLES)}}}")
    return files


def parse(path: Path, ontology_dir: Path) -> Source:
    """Parse one file; a syntax error becomes a BuildError naming file, line and column."""
    raw = path.read_bytes()
    relative = path.relative_to(ontology_dir).as_posix()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{relative}: not UTF-8 text: {exc}") from exc
    try:
        triples = [q.triple for q in ox.parse(raw, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        line, column = _position(exc)
        where = f"{relative}:{line}:{column}" if line else relative
        raise BuildError(f"{where}: Turtle syntax error: {exc.msg if hasattr(exc, 'msg') else exc}") from exc
    prefixes = {prefix or "": namespace for prefix, namespace in _PREFIX.findall(text)}
    return Source(
        path=path,
        relative=relative,
        role=relative.split("/", 1)[0],
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        triples=triples,
        prefixes=prefixes,
    )


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    if exc.lineno:
        return exc.lineno, exc.offset
    match = re.search(r"line (\d+)(?:, column (\d+))?", str(exc))
    if match:
        return int(match.group(1)), int(match.group(2)) if match.group(2) else None
    match = re.search(r"(\d+):(\d+)", str(exc))
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def locate(sources: list[Source], term: ox.NamedNode | ox.BlankNode) -> str:
    """``file:line`` of the resource, for messages; a blank node is located through its owner."""
    owner = term
    if isinstance(term, ox.BlankNode):
        for source in sources:
            for triple in source.triples:
                if triple.object == term and isinstance(triple.subject, ox.NamedNode):
                    owner = triple.subject
                    break
    if isinstance(owner, ox.NamedNode):
        for source in sources:
            if any(t.subject == owner for t in source.triples):
                line = source.line_of(owner.value)
                return f"{source.relative}:{line}" if line else source.relative
    return "(unknown file)"
