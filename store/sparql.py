"""A remote SPARQL 1.1 server (Query + Update, optionally Graph Store), spoken to with SPARQLWrapper.

Store spec: ``sparql:QUERY_URL[,UPDATE_URL[,GRAPH_STORE_URL]]``. Queries name the project's graphs
as ``default-graph-uri`` so that they see the same default graph as on Oxigraph (servers such as
Virtuoso otherwise add their own system graphs). A build is checked in full in a local staging store
first; only then is each graph replaced on the server, graph by graph, with the build record last:
through the SPARQL 1.1 Graph Store HTTP Protocol when ``GRAPH_STORE_URL`` is given (Virtuoso:
``http://HOST:8890/sparql-graph-crud``, or ``/sparql-graph-crud-auth`` with a user; one ``PUT``
then ``POST`` of N-Triples per ``GSP_CHUNK`` triples), otherwise by ``DROP SILENT GRAPH`` then
``INSERT DATA`` in chunks of ``CHUNK`` triples, which any SPARQL Update server accepts.

A build also writes every graph it made (all but the loaded snapshots, ``graph/external/...``)
into one more graph, ``graph/build-union``, and queries name that one with the snapshots as their
default graph: Virtuoso's cost per query grows with the graphs named (47 curated graphs: 25 ms
against 15 for a resource page's statements at 10^6 victim records). Named graphs stay the
per-file graphs, so ``GRAPH ?g`` still tells which file a triple came from, as on Oxigraph.

Virtuoso answers a boolean expression (``BIND(EXISTS {...} AS ?x)``) as ``1``/``0``; results are
normalised here once, so every backend gives ``"true"``/``"false"`` typed ``xsd:boolean``.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterator
from urllib.error import URLError

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from tipkg.errors import StoreError
from tipkg.store import Progress, QueryResult, Staging, Store

CHUNK = 400  # triples per INSERT DATA request: Virtuoso refuses requests that compile to >10k SQL lines
GSP_CHUNK = 50_000  # triples per Graph Store request: one parse on the server, no SQL compilation
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# Virtuoso answers with one X-SPARQL-default-graph (and -named-graph) header per graph named in the
# request; the curated graphs and a few loaded snapshots pass http.client's limit of 100 headers.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 2000)  # type: ignore[attr-defined]
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_BOOLEAN_FORMS = {"1": "true", "0": "false", "true": "true", "false": "false"}
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


GRAPHS_TTL = 10.0  # seconds a client trusts its list of the project's graphs before asking again
UNION = "build-union"  # under the graph prefix: the build's graphs in one (see the module's notes)
SNAPSHOTS = "external/"  # under the graph prefix: the loaded snapshots, each in a graph of its own


def query_form(sparql: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT or DESCRIBE) of a query, ignoring its prologue."""
    body = re.sub(r"<[^<>\s]*>", "<>", sparql)  # IRIs first: they may contain '#'
    body = re.sub(r"#[^\n]*", "", body)
    match = _FORM.search(body)
    if not match:
        raise StoreError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match.group(1).upper()


def _brief(exc: Exception) -> str:
    """The server's own words, without the echo of a long request that some servers add."""
    text = " ".join(str(exc).split())
    cut = text.find("SPARQL query:")
    text = text[:cut] if cut > 0 else text
    return text if len(text) < 400 else text[:400] + " ..."


def normalise_booleans(data: bytes, booleans: Collection[str] = ()) -> bytes:
    """SPARQL JSON results with every boolean as ``"true"``/``"false"`` typed ``xsd:boolean``: values
    typed ``xsd:boolean``, and the integers 1/0 of the ``booleans`` variables (Virtuoso types the
    value of ``EXISTS``, ``true`` or a comparison as ``xsd:integer``).

    >>> row = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", '
    >>> row += b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}'
    >>> json.loads(normalise_booleans(row, {"x"}))["results"]["bindings"][0]["x"]
    {'type': 'literal', 'datatype': 'http://www.w3.org/2001/XMLSchema#boolean', 'value': 'true'}
    >>> json.loads(normalise_booleans(row))["results"]["bindings"][0]["x"]["value"]
    '1'
    """
    document = json.loads(data)
    changed = False
    for binding in document.get("results", {}).get("bindings", []):
        for name, term in binding.items():
            typed = term.get("datatype") == _BOOLEAN or (
                name in booleans and term.get("datatype") == _INTEGER
            )
            canonical = _BOOLEAN_FORMS.get(term.get("value", ""))
            if typed and canonical and (term["value"], term["datatype"]) != (canonical, _BOOLEAN):
                binding[name] = {"type": "literal", "datatype": _BOOLEAN, "value": canonical}
                changed = True
    return json.dumps(document).encode() if changed else data


def ask_result(data: bytes) -> bytes:
    """An ASK answer in the standard JSON form. Virtuoso answers ASK as a one-column result set,
    ``__ASK_RETVAL`` 1 when true, and no row when false (measured with a default graph named).

    >>> ask_result(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}')
    b'{"head": {}, "boolean": false}'
    >>> ask_result(b'{"head": {}, "boolean": true}')
    b'{"head": {}, "boolean": true}'
    """
    document = json.loads(data)
    if "boolean" in document:
        return data
    rows = document.get("results", {}).get("bindings", [])
    truth = any(term.get("value") in {"1", "true"} for row in rows for term in row.values())
    return json.dumps({"head": {}, "boolean": truth}).encode()


class SparqlStore(Store):
    state_ttl = GRAPHS_TTL  # the build record costs a round trip (17 ms on Virtuoso): once per 10 s
    concurrent_reads = True

    def __init__(
        self,
        spec: str,
        query_url: str,
        update_url: str,
        *,
        graph_prefix: str,
        graphs_query: str,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: int = 120,
    ) -> None:
        super().__init__(spec)
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.graph_prefix = graph_prefix
        self.graphs_query = graphs_query  # passed in: the store does not import the query layer
        self.user = user
        self.password = password
        self.timeout = timeout
        self._graphs: list[str] | None = None
        self._union = False  # whether the server holds the build-union graph (a build wrote it)
        self._graphs_read = 0.0  # when: another process's build or load changes the list

    # -- reading --------------------------------------------------------------------------------

    def _client(self) -> SPARQLWrapper:
        client = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        client.setMethod(POST)
        client.setTimeout(self.timeout)
        if self.user:
            client.setHTTPAuth(DIGEST)
            client.setCredentials(self.user, self.password or "")
        return client

    def graphs(self) -> list[str]:
        """The project's graphs on the server, as the build record lists them."""
        if self._graphs is None or time.monotonic() - self._graphs_read > GRAPHS_TTL:
            client = self._client()
            client.setQuery(self.graphs_query)
            client.setReturnFormat(JSON)
            solutions = ox.parse_query_results(self._send(client), format=ox.QueryResultsFormat.JSON)
            assert isinstance(solutions, ox.QuerySolutions)
            found = (s["g"] for s in solutions)
            graphs = sorted(g.value for g in found if g is not None and g.value.startswith(self.graph_prefix))
            union = self.graph_prefix + UNION
            self._union = union in graphs  # absent where a build before the union graph wrote the store
            graphs = [g for g in graphs if g != union]
            if not graphs:
                raise StoreError(f"no TIPKG graph found at {self.query_url}: run `tipkg build` first")
            self._graphs, self._graphs_read = graphs, time.monotonic()
        return self._graphs

    def default_graphs(self) -> list[str]:
        """The graphs whose union is a query's default graph: the build-union graph and the loaded
        snapshots where a build wrote it, otherwise every graph of the project."""
        graphs = self.graphs()
        if not self._union:
            return graphs
        snapshots = self.graph_prefix + SNAPSHOTS
        return [self.graph_prefix + UNION, *(g for g in graphs if g.startswith(snapshots))]

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        booleans: Collection[str] = (),
    ) -> QueryResult:
        form = query_form(sparql)
        if base_iri and not re.match(r"\s*BASE\b", sparql, re.IGNORECASE):
            sparql = f"BASE <{base_iri}>\n{sparql}"  # the protocol has no base parameter
        client = self._client()
        client.setQuery(sparql)
        client.queryType = form  # SPARQLWrapper guesses from the text, comments included
        # A query over every graph of the store (named_graphs []: ``# graphs: store``) keeps every
        # graph of the project as its default graph: with the union instead, Virtuoso plans
        # resource-incoming from its graph check and scans graph by graph (over 30 s at 10^6
        # records, against 13 ms).
        defaults = default_graphs or (self.graphs() if named_graphs == [] else self.default_graphs())
        for graph in defaults:
            client.addParameter("default-graph-uri", graph)
        for graph in self.graphs() if named_graphs is None else named_graphs:  # []: the server's own
            client.addParameter("named-graph-uri", graph)
        if form in {"SELECT", "ASK"}:
            client.setReturnFormat(JSON)
            data = self._send(client)
            data = ask_result(data) if form == "ASK" else normalise_booleans(data, booleans)
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        client.setReturnFormat(TURTLE)
        return _triples(ox.parse(self._send(client), format=ox.RdfFormat.TURTLE))

    def _send(self, client: SPARQLWrapper) -> bytes:
        try:
            data: bytes = client.query().response.read()
            return data
        except (SPARQLWrapperException, URLError, OSError) as exc:
            raise StoreError(f"SPARQL server {self.query_url} failed: {_brief(exc)}") from exc

    # -- writing --------------------------------------------------------------------------------

    def update(self, text: str) -> None:
        client = self._client()
        client.setQuery(text)
        try:
            client.query()
        except (SPARQLWrapperException, URLError, OSError) as exc:
            raise StoreError(f"SPARQL update at {self.update_url} failed: {_brief(exc)}") from exc

    def put_graph(self, graph: str, ntriples: bytes, *, replace: bool) -> None:
        """Send triples to ``graph`` by the Graph Store Protocol: PUT replaces it, POST adds to it."""
        assert self.graph_store_url is not None
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(
            url, data=ntriples, method="PUT" if replace else "POST", headers={"Content-Type": "text/plain"}
        )  # N-Triples as text/plain: the media type that Virtuoso 7.2 and the protocol both read
        handlers: list[urllib.request.BaseHandler] = []
        if self.user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.graph_store_url, self.user, self.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=self.timeout) as answer:
                answer.read()
        except (URLError, OSError) as exc:
            raise StoreError(f"Graph Store upload to {self.graph_store_url} failed: {_brief(exc)}") from exc

    def quads(self, graph_prefix: str | None = None) -> Iterator[ox.Quad]:
        try:
            graphs = self.graphs()
        except StoreError:
            return  # nothing built yet: nothing to keep
        yield from self.quads_of([g for g in graphs if graph_prefix is None or g.startswith(graph_prefix)])

    def quads_of(self, graphs: Collection[str]) -> Iterator[ox.Quad]:
        """Each graph by its own CONSTRUCT: only the graphs asked for cross the network."""
        for graph in graphs:
            name = ox.NamedNode(graph)
            found = self.construct(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                named_graphs=[graph],
            )
            for triple in found:
                yield ox.Quad(triple.subject, triple.predicate, triple.object, name)

    def _new_staging(self) -> Staging:
        return _RemoteStaging(self)


def _triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
    return iter([ox.Triple(q.subject, q.predicate, q.object) for q in quads])


class _RemoteStaging(Staging):
    def __init__(self, owner: SparqlStore) -> None:
        self.owner = owner
        self.store = ox.Store()

    def commit(self, progress: Progress) -> None:
        graphs = sorted(g.value for g in self.store.named_graphs())
        if self.partial:  # a load or an unload: only the graphs it changed
            stale = {g for g in self.changed if g not in graphs}
            graphs = [g for g in graphs if g in self.changed]
        else:
            stale = set(self._server_graphs()) - set(graphs)
        build_graph = [g for g in graphs if g.endswith("graph/build")]
        ordered = [g for g in graphs if g not in build_graph] + build_graph
        union, snapshots = self.owner.graph_prefix + UNION, self.owner.graph_prefix + SNAPSHOTS
        built = [g.value for g in self.store.named_graphs() if not g.value.startswith(snapshots)]
        if not self.partial:  # a build: its graphs also in one (a load changes only its snapshot)
            ordered.insert(len(ordered) - len(build_graph), union)  # before its record
            stale.discard(union)
        for graph in ordered:
            sources = sorted(built) if graph == union else [graph]
            quads = itertools.chain.from_iterable(self._quads(g) for g in sources)
            count = self._put(graph, quads) if self.owner.graph_store_url else self._insert(graph, quads)
            progress(f"uploaded {count} triples to <{graph}>")
        for graph in sorted(stale):
            self.owner.update(f"DROP SILENT GRAPH <{graph}>")
        self.owner._graphs = None

    def _quads(self, graph: str) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def _put(self, graph: str, quads: Iterator[ox.Quad]) -> int:
        """Streamed in requests of ``GSP_CHUNK`` triples (a PUT, then POSTs): memory stays bounded."""
        count = 0
        while chunk := list(itertools.islice(quads, GSP_CHUNK)):
            lines = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in chunk)
            self.owner.put_graph(graph, lines.encode(), replace=count == 0)
            count += len(chunk)
        if count == 0:
            self.owner.put_graph(graph, b"", replace=True)
        return count

    def _insert(self, graph: str, quads: Iterator[ox.Quad]) -> int:
        self.owner.update(f"DROP SILENT GRAPH <{graph}>")
        count = 0
        while chunk := list(itertools.islice(quads, CHUNK)):
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk)
            self.owner.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
            count += len(chunk)
        return count

    def _server_graphs(self) -> list[str]:
        try:
            return self.owner.graphs()
        except StoreError:
            return []

    def discard(self) -> None:
        self.store = ox.Store()
