"""Every SPARQL text the project runs, as named ``.rq`` files in this folder.

Each file starts with a header of comment lines::

    # name: instrument-provisions
    # purpose: The provisions of an instrument, in order, with their citations.
    # param: instrument iri  The instrument whose provisions to list.
    # param: lang string optional  Language of the labels (default: any).

An optional ``# graphs: store`` line says that the query's ``GRAPH`` patterns range over every graph
of the store and that the query itself keeps to the project's (for example with
``FILTER EXISTS { ?holder tip:graph ?g }``): the store then names no graphs as named graphs. Its
default graph is the project's in every case. On Virtuoso a pattern with only its object bound,
inside ``GRAPH ?g`` with the graphs listed, is planned as a scan of every subject of every listed
graph; unlisted, it is answered from the object index (35 s against 18 ms at 10^5 victim records).

Parameters are bound by inserting ``VALUES`` at the start of the query's top-level ``WHERE``
group (or of the subquery that group opens with, see ``insert_values``), with each value
serialised by pyoxigraph (which validates IRIs and escapes literals), so no user input is ever
pasted into SPARQL text. The same mechanism serves every store.

``checks/*-violation.rq`` are build checks: any row they return fails the build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from tipkg.errors import QueryError
from tipkg.namespaces import PREFIXES, id_prefixes
from tipkg.store import QueryResult, Store

HERE = Path(__file__).resolve().parent
PARAM_TYPES = ("iri", "string", "integer", "boolean")
_HEADER = re.compile(r"^#\s*(name|purpose|param|graphs):\s*(.*)$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    purpose: str
    text: str
    path: Path
    params: tuple[Param, ...] = field(default=())
    every_graph: bool = False  # ``# graphs: store``: GRAPH ranges over the store's graphs, unlisted

    @property
    def named_graphs(self) -> list[str] | None:
        """The named graphs to run the query with: none listed (``[]``: every graph the store holds)
        for a ``# graphs: store`` query, otherwise ``None`` (the project's graphs)."""
        return [] if self.every_graph else None

    @property
    def booleans(self) -> frozenset[str]:
        """The result variables that hold booleans (see ``boolean_variables``)."""
        return boolean_variables(self.text)

    def bind(self, values: Mapping[str, object] | None = None, *, base: str | None = None) -> str:
        """The query text with ``values`` bound; raw strings are converted by parameter type."""
        values = dict(values or {})
        known = {p.name: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(repr(u) for u in sorted(unknown))}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        terms: dict[str, ox.NamedNode | ox.Literal] = {}
        for param in self.params:
            if param.name not in values or values[param.name] is None:
                if not param.optional:
                    raise QueryError(f"query {self.name!r} needs parameter {param.name!r} ({param.type})")
                continue
            terms[param.name] = to_term(values[param.name], param, base=base)
        return insert_values(self.text, terms) if terms else self.text


def to_term(value: object, param: Param, *, base: str | None = None) -> ox.NamedNode | ox.Literal:
    """Convert a parameter value to an RDF term of the parameter's type, or say why not."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    text = str(value)
    try:
        if param.type == "iri":
            return ox.NamedNode(expand_curie(text, base=base))
        if param.type == "integer":
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))
        if param.type == "boolean":
            if text.lower() not in {"true", "false"}:
                raise ValueError("expected true or false")
            return ox.Literal(text.lower(), datatype=ox.NamedNode(_XSD + "boolean"))
        return ox.Literal(text)
    except ValueError as exc:
        raise QueryError(f"parameter {param.name!r}: {text!r} is not a valid {param.type}: {exc}") from exc


def expand_curie(text: str, *, base: str | None = None) -> str:
    """``tip:Act`` or ``inst:rome-statute`` to a full IRI; full IRIs pass through unchanged."""
    prefix, colon, local = text.partition(":")
    table = {**PREFIXES, **(id_prefixes(base) if base else id_prefixes())}
    if colon and prefix in table and not local.startswith("//"):
        return table[prefix] + local
    return text


_BIND = re.compile(r"BIND\s*\(((?:(?!\bBIND\b).)*?)\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE | re.DOTALL)
# An expression of boolean value: a constant, EXISTS, BOUND, a comparison or a logical operator.
_BOOLEAN_EXPRESSION = re.compile(
    r"^\s*(?:true|false)\s*$|\bEXISTS\b|\bBOUND\s*\(|&&|\|\||[<>]|!=|(?<![<>!])=|^\s*!", re.IGNORECASE
)
_CARRY = re.compile(r"\(\s*(?:MIN|MAX|SAMPLE)\s*\(\s*\?(\w+)\s*\)\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE)


def boolean_variables(text: str) -> frozenset[str]:
    """The variables a query binds to booleans (``BIND(EXISTS {...} AS ?x)``, ``BIND(true AS ?x)``)
    or aggregates from them (``(MIN(?x) AS ?y)``), so that a server answering 1/0 can be read alike.

    >>> sorted(boolean_variables("SELECT (MIN(?e) AS ?isElement) WHERE { BIND(true AS ?e) }"))
    ['e', 'isElement']
    >>> sorted(boolean_variables('SELECT * WHERE { BIND(?p = <urn:x> && !BOUND(?q) AS ?m) BIND("a=b" AS ?k) }'))
    ['m']
    """
    found = {
        name
        for expression, name in _BIND.findall(text)
        if _BOOLEAN_EXPRESSION.search(re.sub(r'<[^<>\s]*>|"[^"]*"', "", expression))
    }
    for source, target in _CARRY.findall(text):
        if source in found:
            found.add(target)
    return frozenset(found)


def _scan(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Yield (index, char) of SPARQL text outside comments, strings and IRIs, from ``start``."""
    i, n = start, len(text)
    iri = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "'\"":
            quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else c
            j = i + len(quote)
            while j < n and text[j : j + len(quote)] != quote:
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            match = iri.match(text, i)
            if match:
                i = match.end()
                continue
        yield i, c
        i += 1


def insert_values(text: str, terms: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Insert one ``VALUES`` row binding ``terms`` right after the top-level ``WHERE {``, or, when
    that group opens with a subquery (``{ SELECT ... WHERE {``), right after the subquery's own
    ``WHERE {`` (recursively): a query finds the rows of its parameters there first and then
    decorates them, which Virtuoso otherwise plans from the decorations (10x slower at 10^6
    victim records). Such a subquery projects the parameters the rest of the query uses."""
    at = _group_after_where(text, 0)
    while (inner := _leading_subquery(text, at)) is not None:
        at = _group_after_where(text, inner)
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    return f"{text[: at + 1]} VALUES ({names}) {{ ({row}) }}{text[at + 1 :]}"


def _group_after_where(text: str, start: int) -> int:
    """The index of the ``{`` opening the first ``WHERE`` group at the nesting depth of ``start``."""
    depth, where_at = 0, None
    upper = text.upper()
    for i, c in _scan(text, start):
        if c == "{":
            if depth == 0 and where_at is not None:
                return i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and upper.startswith("WHERE", i) and _is_keyword(text, i, 5):
            where_at = i
    raise QueryError("a parametrised query needs an explicit top-level WHERE { ... }")


def _leading_subquery(text: str, brace: int) -> int | None:
    """Where the ``SELECT`` of a subquery starts if the group opened at ``brace`` begins with one."""
    chars = ((i, c) for i, c in _scan(text, brace + 1) if not c.isspace())
    first = next(chars, None)
    if first is None or first[1] != "{":
        return None
    second = next(chars, None)
    if second and text.upper().startswith("SELECT", second[0]) and _is_keyword(text, second[0], 6):
        return second[0]
    return None


def _is_keyword(text: str, i: int, length: int) -> bool:
    before = text[i - 1 : i]
    after = text[i + length : i + length + 1]
    return not (before.isalnum() or before in "?$_:") and not (after.isalnum() or after == "_")


def parse_header(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    fields_: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            words = value.split(None, 3)
            if len(words) < 2 or words[1] not in PARAM_TYPES:
                raise QueryError(
                    f"{path}: bad param line {line!r}: expected '# param: NAME TYPE [optional] DOC'"
                )
            optional = len(words) > 2 and words[2] == "optional"
            doc = " ".join(words[3 if optional else 2 :])
            params.append(Param(words[0], words[1], optional, doc))
        else:
            fields_[key] = value.strip()
    expected = path.stem
    if fields_.get("name") != expected:
        raise QueryError(f"{path}: header '# name: {expected}' is missing or does not match the file name")
    if not fields_.get("purpose"):
        raise QueryError(f"{path}: header '# purpose: ...' is missing")
    if fields_.get("graphs", "store") != "store":
        raise QueryError(f"{path}: bad graphs line: the only value is 'store'")
    every_graph = fields_.get("graphs") == "store"
    return NamedQuery(expected, fields_["purpose"], text, path, tuple(params), every_graph)


@cache
def catalogue(directory: Path = HERE) -> dict[str, NamedQuery]:
    """All named queries, by name: ``*.rq`` here and ``checks/*.rq`` as ``checks/NAME``."""
    found: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        found[path.stem] = parse_header(path)
    for path in sorted(directory.glob("checks/*.rq")):
        query = parse_header(path)
        found[f"checks/{path.stem}"] = query
    return found


def get(name: str) -> NamedQuery:
    try:
        return catalogue()[name]
    except KeyError:
        names = ", ".join(n for n in catalogue() if not n.startswith("checks/"))
        raise QueryError(f"no named query {name!r}; known: {names}") from None


def run(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, base: str | None = None
) -> QueryResult:
    """Run the named query on ``store`` with ``params`` bound; returns pyoxigraph results."""
    query = get(name)
    return store.query(
        query.bind(params, base=base), named_graphs=query.named_graphs, booleans=query.booleans
    )


def select(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, base: str | None = None
) -> ox.QuerySolutions:
    """Run a named SELECT query: its solutions, typed as such (StoreError for another form)."""
    query = get(name)
    return store.select(
        query.bind(params, base=base), named_graphs=query.named_graphs, booleans=query.booleans
    )


def construct(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, base: str | None = None
) -> list[ox.Triple]:
    """Run a named CONSTRUCT or DESCRIBE query: its triples (StoreError for another form)."""
    query = get(name)
    return store.construct(query.bind(params, base=base), named_graphs=query.named_graphs)


def checks() -> list[NamedQuery]:
    return [q for n, q in catalogue().items() if n.startswith("checks/")]
