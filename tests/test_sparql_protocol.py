"""The W3C SPARQL 1.1 Protocol test suite (protocol/manifest.ttl) against a real `tipkg serve` process.

The store holds the suite's data: each ``ut:graphData`` file of the manifest in the named graph its
``rdfs:label`` names (data1.nt in <http://kasei.us/2009/09/sparql/data/data1.rdf>, and so on; data0.rdf,
which the manifest names as a default graph but gives no file for, is an empty graph). Each request is
sent as the manifest describes it (method, headers, body, in its character encoding), with the
``/sparql/`` prefix of ``ht:absolutePath`` rewritten to our ``/sparql``; the answer must have the
expected status class and, where the manifest states ``mf:expectedFormat``/``mf:expectedBoolean``, a
content type of that kind and that boolean.

/sparql is read-only, so the tests whose update requests must succeed (2xx) are skipped; that those
updates are refused with 403 and change nothing is checked instead. Every other test runs, including the
``bad_update_*`` ones, which expect a 4xx that a read-only endpoint gives.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from tests.sparql_fixtures import Response, request, start_server, store_with_graphs

SUITE = Path("/work/shared/data/sparql11-tests")
MANIFEST = SUITE / "protocol" / "manifest.ttl"

if not MANIFEST.is_file():
    pytest.skip(
        f"the W3C SPARQL 1.1 test suite is not at {SUITE} (needs protocol/manifest.ttl and its data)",
        allow_module_level=True,
    )

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"

# The media types each mf:expectedFormat allows, as the manifest's test names list them:
# "expect one of: XML, JSON, CSV, TSV" (tabular), "XML, JSON" (boolean),
# "RDF/XML, Turtle, N-Triples, RDFa" (RDF).
FORMATS = {
    "boolean": {"application/sparql-results+xml", "application/sparql-results+json"},
    "tabular": {
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {
        "application/rdf+xml",
        "text/turtle",
        "application/n-triples",
        "text/plain",  # N-Triples' media type before RDF 1.1
        "text/html",  # RDFa
        "application/xhtml+xml",  # RDFa
    },
}
RDF_PARSERS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
UPDATE_SKIP = (
    "SPARQL Update: the test expects an update to succeed (2xx), and /sparql is read-only by design "
    "(it refuses every update with 403; test_update_is_refused checks that instead)"
)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # rewritten to our endpoint
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # the expected status classes: 2 for 2xx...
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = dict((k.lower(), v) for k, v in self.headers).get("content-type", "")
        if content_type.split(";")[0].strip().lower() == "application/sparql-update":
            return True
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        form = {}
        if self.body is not None and "x-www-form-urlencoded" in content_type:
            form = urllib.parse.parse_qs(self.body.decode("utf-8", errors="replace"))
        return "update" in query or "update" in form


@dataclass(frozen=True)
class Case:
    key: str  # the entry's local name in the manifest (unique; some mf:name values repeat)
    name: str  # mf:name
    requests: tuple[HttpRequest, ...]

    @property
    def succeeding_update(self) -> bool:
        """An update the test expects to succeed: not something a read-only endpoint does."""
        return any(r.is_update and r.statuses & {2, 3} for r in self.requests)


def endpoint_path(absolute_path: str) -> str:
    """Rewrite the manifest's ``/sparql/`` prefix to our ``/sparql``."""
    assert absolute_path.startswith("/sparql/"), absolute_path
    return "/sparql" + absolute_path[len("/sparql/") :]


def _status_class(term: rdflib.term.Node) -> int:
    match = re.search(r"StatusCode(\d)xx$", str(term))
    assert match, f"unexpected mf:expectedStatus {term}"
    return int(match.group(1))


def _parse_request(graph: rdflib.Graph, node: rdflib.term.Node) -> HttpRequest:
    headers = []
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=endpoint_path(str(graph.value(node, HT.absolutePath))),
        headers=tuple(headers),
        body=body,
        statuses=frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus)),
        expected_format=None if expected_format is None else str(expected_format),
        expected_boolean=None if expected_boolean is None else bool(expected_boolean.toPython()),
    )


def _manifest() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(MANIFEST, format="turtle")
    return graph


def load_cases() -> list[Case]:
    graph = _manifest()
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = tuple(
            _parse_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests))
        )
        key = str(entry).rpartition("#")[2]
        cases.append(Case(key, str(graph.value(entry, MF.name)), requests))
    return cases


def graph_data() -> dict[str, Path]:
    """Every ``ut:graphData`` of the manifest: graph IRI -> data file (the same data in every test)."""
    graph = _manifest()
    data: dict[str, Path] = {}
    for item in graph.objects(None, UT.graphData):
        iri = str(graph.value(item, RDFS.label))
        path = Path(urllib.parse.urlsplit(str(graph.value(item, UT.graph))).path)
        assert data.setdefault(iri, path) == path, f"{iri} is given two different files"
    return data


CASES = load_cases()
UPDATE_CASES = [c for c in CASES if c.succeeding_update]


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sparql-protocol")
    store = store_with_graphs(directory, graph_data())
    server = start_server(store, directory)
    yield server
    server.stop()


def send(server, http_request: HttpRequest) -> Response:
    return request(
        server.url,
        http_request.method,
        http_request.path,
        headers=dict(http_request.headers),
        body=http_request.body,
    )


def answer_boolean(response: Response) -> bool:
    if response.content_type == "application/sparql-results+json":
        return json.loads(response.body)["boolean"]
    if response.content_type == "application/sparql-results+xml":
        element = ET.fromstring(response.body).find(f"{RESULTS_NS}boolean")
        assert element is not None, f"no <boolean> in {response.describe()}"
        return element.text.strip() == "true"
    raise AssertionError(f"a boolean result in {response.content_type!r}: {response.describe()}")


def check_format(case: Case, expected: str, response: Response) -> None:
    allowed = FORMATS[expected]
    assert response.content_type in allowed, (
        f"{case.key}: expected a {expected} result ({', '.join(sorted(allowed))}), got {response.describe()}"
    )
    if expected == "tabular" and response.content_type == "application/sparql-results+json":
        assert "results" in json.loads(response.body), response.describe()
    elif expected == "boolean":
        answer_boolean(response)
    elif expected == "RDF" and response.content_type in RDF_PARSERS:
        rdflib.Graph().parse(data=response.body, format=RDF_PARSERS[response.content_type])


def test_the_manifest_is_read_whole():
    assert len(CASES) == 34
    assert len({c.key for c in CASES}) == len(CASES)
    assert {c.key for c in UPDATE_CASES} == {
        "update_dataset_default_graph",
        "update_dataset_default_graphs",
        "update_dataset_named_graphs",
        "update_dataset_full",
        "update_post_form",
        "update_post_direct",
        "update_base_uri",
    }
    assert set(graph_data()) == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_protocol(protocol_server, case: Case):
    if case.succeeding_update:
        pytest.skip(UPDATE_SKIP)
    for number, http_request in enumerate(case.requests, start=1):
        response = send(protocol_server, http_request)
        where = f"{case.key} ({case.name}), request {number}: {http_request.method} {http_request.path}"
        assert response.status // 100 in http_request.statuses, (
            f"{where}: expected status {' or '.join(f'{s}xx' for s in sorted(http_request.statuses))}, "
            f"got {response.describe()}"
        )
        if response.status // 100 == 3:
            continue  # a redirect is allowed; its target is not part of the test
        if http_request.expected_format is not None:
            check_format(case, http_request.expected_format, response)
        if http_request.expected_boolean is not None:
            assert answer_boolean(response) is http_request.expected_boolean, (
                f"{where}: {response.describe()}"
            )


@pytest.mark.parametrize("case", UPDATE_CASES, ids=[c.key for c in UPDATE_CASES])
def test_update_is_refused(protocol_server, case: Case):
    """The skipped update tests' updates get 403 (read-only) and leave the data as it was."""
    update = case.requests[0]
    assert update.is_update
    response = send(protocol_server, update)
    assert response.status == 403, f"{case.key}: {response.describe()}"
    assert response.content_type == "application/json", response.describe()
    error = json.loads(response.body)
    assert error["status"] == 403
    assert re.search(r"read[- ]only", error["error"], re.IGNORECASE), error
    still_there = request(
        protocol_server.url,
        "POST",
        "/sparql",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        body=b"ASK { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> "
        b"{ <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> } }",
    )
    assert still_there.status == 200, still_there.describe()
    assert json.loads(still_there.body)["boolean"] is True, "the refused update changed the store"
