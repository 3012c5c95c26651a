"""A remote SPARQL 1.1 server (Query + Update), spoken to with SPARQLWrapper.

Queries name the project's graphs as ``default-graph-uri`` so that they see the same default graph
as on Oxigraph (servers such as Virtuoso otherwise add their own system graphs). A build is checked
in full in a local staging store first; only then is each graph replaced on the server, graph by
graph (``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks), with the build record last.
"""

from __future__ import annotations

import re
from urllib.error import URLError

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from tipkg import queries
from tipkg.errors import StoreError
from tipkg.store import Progress, QueryResult, Staging, Store

CHUNK = 400  # triples per INSERT DATA request: Virtuoso refuses requests that compile to >10k SQL lines
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


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


class SparqlStore(Store):
    def __init__(
        self,
        spec: str,
        query_url: str,
        update_url: str,
        *,
        graph_prefix: str,
        user: str | None = None,
        password: str | None = None,
        timeout: int = 120,
    ) -> None:
        super().__init__(spec)
        self.query_url = query_url
        self.update_url = update_url
        self.graph_prefix = graph_prefix
        self.user = user
        self.password = password
        self.timeout = timeout
        self._graphs: list[str] | None = None

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
        if self._graphs is None:
            client = self._client()
            client.setQuery(queries.get("build-graphs").text)
            client.setReturnFormat(JSON)
            data = self._send(client)
            solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            graphs = sorted(s["g"].value for s in solutions if s["g"].value.startswith(self.graph_prefix))
            if not graphs:
                raise StoreError(f"no TIPKG graph found at {self.query_url}: run `tipkg build` first")
            self._graphs = graphs
        return self._graphs

    def query(self, sparql: str, *, default_graphs=None, named_graphs=None, base_iri=None) -> QueryResult:
        form = query_form(sparql)
        if base_iri and not re.match(r"\s*BASE\b", sparql, re.IGNORECASE):
            sparql = f"BASE <{base_iri}>\n{sparql}"  # the protocol has no base parameter
        client = self._client()
        client.setQuery(sparql)
        client.queryType = form  # SPARQLWrapper guesses from the text, comments included
        for graph in default_graphs or self.graphs():
            client.addParameter("default-graph-uri", graph)
        for graph in named_graphs or self.graphs():
            client.addParameter("named-graph-uri", graph)
        if form in {"SELECT", "ASK"}:
            client.setReturnFormat(JSON)
            return ox.parse_query_results(self._send(client), format=ox.QueryResultsFormat.JSON)
        client.setReturnFormat(TURTLE)
        return iter(list(ox.parse(self._send(client), format=ox.RdfFormat.TURTLE)))

    def _send(self, client: SPARQLWrapper) -> bytes:
        try:
            return client.query().response.read()
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

    def stage(self) -> Staging:
        return _RemoteStaging(self)


class _RemoteStaging(Staging):
    def __init__(self, owner: SparqlStore) -> None:
        self.owner = owner
        self.store = ox.Store()

    def commit(self, progress: Progress) -> None:
        graphs = sorted(g.value for g in self.store.named_graphs())
        build_graph = [g for g in graphs if g.endswith("graph/build")]
        ordered = [g for g in graphs if g not in build_graph] + build_graph
        stale = set(self._server_graphs()) - set(graphs)
        for graph in ordered:
            quads = list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            self.owner.update(f"DROP SILENT GRAPH <{graph}>")
            for start in range(0, len(quads), CHUNK):
                chunk = quads[start : start + CHUNK]
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk)
                self.owner.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
            progress(f"uploaded {len(quads)} triples to <{graph}>")
        for graph in sorted(stale):
            self.owner.update(f"DROP SILENT GRAPH <{graph}>")
        self.owner._graphs = None

    def _server_graphs(self) -> list[str]:
        try:
            return self.owner.graphs()
        except StoreError:
            return []

    def discard(self) -> None:
        self.store = ox.Store()
