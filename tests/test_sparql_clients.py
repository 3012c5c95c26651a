"""/sparql through the clients people use (SPARQLWrapper, rdflib's SPARQLStore, curl) against a real
`tipkg serve` process on the curated graph; then the protocol's edges: content negotiation, the
``format`` parameter, errors and their statuses, the service description, CORS and ``Vary``."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from email.parser import Parser

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML
from SPARQLWrapper import SPARQLWrapper as Wrapper

from tests.sparql_fixtures import TIMEOUT, Response, request

TIPKG = rdflib.Namespace("https://w3id.org/tipkg/ontology#")
RECRUITMENT = rdflib.URIRef("https://w3id.org/tipkg/id/act/recruitment")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"

ACT_LABELS = {"Recruitment", "Transportation", "Transfer", "Harbouring", "Receipt"}
SELECT_ACTS = (
    "SELECT ?l WHERE { ?a a <https://w3id.org/tipkg/ontology#Act> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)
ASK_TRUE = "ASK { <https://w3id.org/tipkg/id/act/recruitment> a <https://w3id.org/tipkg/ontology#Act> }"
ASK_FALSE = "ASK { <https://w3id.org/tipkg/id/act/recruitment> a <https://w3id.org/tipkg/ontology#Nothing> }"
CONSTRUCT_ACTS = (
    "CONSTRUCT { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
    "?a a <https://w3id.org/tipkg/ontology#Act> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)
DESCRIBE_RECRUITMENT = "DESCRIBE <https://w3id.org/tipkg/id/act/recruitment>"

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


# --- reading answers --------------------------------------------------------------------------------


def select_labels(media_type: str, body: bytes) -> list[str]:
    """The ?l values of a SELECT answer in any of the four result formats (lexical forms)."""
    text = body.decode("utf-8")
    if media_type == "application/sparql-results+json":
        data = json.loads(text)
        assert data["head"]["vars"] == ["l"]
        return [b["l"]["value"] for b in data["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        root = ET.fromstring(body)
        return [e.text for e in root.iter(f"{RESULTS_NS}literal")]
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["l"], rows
        return [row[0] for row in rows[1:]]
    if media_type == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0] == "?l", lines
        labels = []
        for line in lines[1:]:
            match = re.fullmatch(r'"(.*)"(@[\w-]+|\^\^<[^>]*>)?', line)
            assert match, f"not a TSV literal: {line!r}"
            labels.append(match.group(1))
        return labels
    raise AssertionError(f"not a result format: {media_type}")


def ask_answer(media_type: str, body: bytes) -> bool:
    if media_type == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    if media_type == "application/sparql-results+xml":
        return ET.fromstring(body).find(f"{RESULTS_NS}boolean").text.strip() == "true"
    # CSV and TSV have no standard form for a boolean; a single true/false (maybe under a header) is sensible.
    words = body.decode("utf-8").lower().split()
    assert words and words[-1] in {"true", "false"}, body
    return words[-1] == "true"


def as_graph(media_type: str, body: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[media_type])


def check_acts_graph(graph: rdflib.Graph) -> None:
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert labels == ACT_LABELS, labels
    assert len(graph) == 5, sorted(graph)
    assert (RECRUITMENT, RDFS.label, rdflib.Literal("Recruitment", lang="en")) in graph


def check_recruitment_description(graph: rdflib.Graph) -> None:
    assert (RECRUITMENT, RDFS.label, rdflib.Literal("Recruitment", lang="en")) in graph
    assert (RECRUITMENT, RDF.type, TIPKG.Act) in graph
    assert len(set(graph.triples((RECRUITMENT, None, None)))) >= 10, sorted(graph)


def check_json_error(response: Response, status: int) -> str:
    assert response.status == status, response.describe()
    assert response.content_type == "application/json", response.describe()
    data = json.loads(response.body)
    assert data["status"] == status, data
    assert isinstance(data["error"], str) and data["error"], data
    return data["error"]


def get(server: str, params: dict | list, headers: dict | None = None) -> Response:
    return request(server, "GET", "/sparql?" + urllib.parse.urlencode(params), headers=headers)


def post_query(server: str, query: str, headers: dict | None = None, path: str = "/sparql") -> Response:
    return request(
        server,
        "POST",
        path,
        headers={"Content-Type": "application/sparql-query", **(headers or {})},
        body=query.encode("utf-8"),
    )


def post_form(server: str, fields: dict | list, headers: dict | None = None) -> Response:
    return request(
        server,
        "POST",
        "/sparql",
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        body=urllib.parse.urlencode(fields).encode("ascii"),
    )


# --- SPARQLWrapper ----------------------------------------------------------------------------------


def wrapper(server: str, query: str, return_format: str, *, only_conneg: bool = True) -> Wrapper:
    client = Wrapper(server + "/sparql")
    client.setTimeout(int(TIMEOUT))
    client.setOnlyConneg(only_conneg)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(server, return_format):
    result = wrapper(server, SELECT_ACTS, return_format).query()
    media_type = result.info()["content-type"].split(";")[0]
    assert (
        media_type
        == {JSON: RESULT_TYPES["json"], XML: RESULT_TYPES["xml"], CSV: "text/csv", TSV: RESULT_TYPES["tsv"]}[
            return_format
        ]
    )
    converted = result.convert()
    if return_format == JSON:
        bindings = converted["results"]["bindings"]
        assert {b["l"]["value"] for b in bindings} == ACT_LABELS
        assert all(b["l"]["type"] == "literal" and b["l"]["xml:lang"] == "en" for b in bindings)
        assert len(bindings) == 5
    elif return_format == XML:
        literals = converted.getElementsByTagName("literal")
        assert sorted(e.firstChild.data for e in literals) == sorted(ACT_LABELS)
        assert {e.getAttribute("xml:lang") for e in literals} == {"en"}
    else:
        body = converted if isinstance(converted, bytes) else converted.encode("utf-8")
        assert sorted(select_labels(media_type, body)) == sorted(ACT_LABELS)


@pytest.mark.parametrize("return_format", [JSON, XML, CSV])
def test_sparqlwrapper_select_with_its_format_parameters(server, return_format):
    """Without onlyConneg, SPARQLWrapper also sends format=, output= and results= (json, xml, csv)."""
    result = wrapper(server, SELECT_ACTS, return_format, only_conneg=False).query()
    media_type = result.info()["content-type"].split(";")[0]
    assert media_type == RESULT_TYPES[return_format]
    assert sorted(select_labels(media_type, result.response.read())) == sorted(ACT_LABELS)


@pytest.mark.parametrize(("method", "encoding"), [(POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_select_by_post(server, method, encoding):
    client = wrapper(server, SELECT_ACTS, JSON)
    client.setMethod(method)
    client.setRequestMethod(encoding)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert {b["l"]["value"] for b in bindings} == ACT_LABELS


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(server, return_format):
    result = wrapper(server, ASK_TRUE, return_format).query()
    media_type = result.info()["content-type"].split(";")[0]
    assert (
        media_type
        == {JSON: RESULT_TYPES["json"], XML: RESULT_TYPES["xml"], CSV: "text/csv", TSV: RESULT_TYPES["tsv"]}[
            return_format
        ]
    )
    assert ask_answer(media_type, result.response.read()) is True
    false = wrapper(server, ASK_FALSE, return_format).query()
    assert ask_answer(media_type, false.response.read()) is False


# SPARQLWrapper has no N-Triples format; it asks for it with an explicit Accept header.
RDF_RETURN_FORMATS = [
    pytest.param(TURTLE, None, "text/turtle", id="turtle"),
    pytest.param(N3, "application/n-triples", "application/n-triples", id="n-triples"),
    pytest.param(RDFXML, None, "application/rdf+xml", id="rdfxml"),
    pytest.param(JSONLD, None, "application/ld+json", id="jsonld"),
]


def _wrapper_graph(server, query, return_format, accept, expected_type) -> rdflib.Graph:
    client = wrapper(server, query, return_format)
    if accept:
        client.addCustomHttpHeader("Accept", accept)
    result = client.query()
    media_type = result.info()["content-type"].split(";")[0]
    assert media_type == expected_type
    converted = result.convert()
    if isinstance(converted, rdflib.Graph):  # RDF/XML and JSON-LD come back parsed
        graph = rdflib.Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
        return graph
    return as_graph(media_type, converted)


@pytest.mark.parametrize(("return_format", "accept", "expected_type"), RDF_RETURN_FORMATS)
def test_sparqlwrapper_construct(server, return_format, accept, expected_type):
    check_acts_graph(_wrapper_graph(server, CONSTRUCT_ACTS, return_format, accept, expected_type))


@pytest.mark.parametrize(("return_format", "accept", "expected_type"), RDF_RETURN_FORMATS)
def test_sparqlwrapper_describe(server, return_format, accept, expected_type):
    check_recruitment_description(
        _wrapper_graph(server, DESCRIBE_RECRUITMENT, return_format, accept, expected_type)
    )


# --- rdflib's SPARQLStore ---------------------------------------------------------------------------


@pytest.fixture
def bounded_sockets():
    """rdflib's SPARQLConnector calls urlopen without a timeout; bound it through the socket default."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(TIMEOUT)
    yield
    socket.setdefaulttimeout(previous)


@pytest.fixture(params=["GET", "POST"])
def remote_graph(server, bounded_sockets, request):
    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql", method=request.param))
    yield graph
    graph.close()


def test_rdflib_sparqlstore_select(remote_graph):
    rows = list(remote_graph.query(SELECT_ACTS))
    assert sorted(str(row.l) for row in rows) == sorted(ACT_LABELS)
    assert {row.l.language for row in rows} == {"en"}


def test_rdflib_sparqlstore_ask(remote_graph):
    assert remote_graph.query(ASK_TRUE).askAnswer is True
    assert remote_graph.query(ASK_FALSE).askAnswer is False


def test_rdflib_sparqlstore_construct(remote_graph):
    result = remote_graph.query(CONSTRUCT_ACTS)
    graph = rdflib.Graph()
    for triple in result:
        graph.add(triple)
    check_acts_graph(graph)


# --- curl ---------------------------------------------------------------------------------------------


def curl(tmp_path, *args: str) -> Response:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    headers_file, body_file = tmp_path / "headers", tmp_path / "body"
    done = subprocess.run(
        [
            "curl",
            "-sS",
            "--max-time",
            str(int(TIMEOUT)),
            "-D",
            str(headers_file),
            "-o",
            str(body_file),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT + 10,
    )
    assert done.returncode == 0, done.stderr
    raw = headers_file.read_text(encoding="iso-8859-1").replace("\r\n", "\n").strip().split("\n\n")[-1]
    status_line, _, header_text = raw.partition("\n")
    return Response(int(status_line.split()[1]), Parser().parsestr(header_text), body_file.read_bytes())


CURL_CASES = [pytest.param(SELECT_ACTS, t, id=f"select-{n}") for n, t in RESULT_TYPES.items()] + [
    pytest.param(CONSTRUCT_ACTS, t, id=f"construct-{n}") for n, t in RDF_TYPES.items()
]


def check_curl_answer(query: str, media_type: str, response: Response) -> None:
    assert response.status == 200, response.describe()
    assert response.content_type == media_type, response.describe()
    if query == SELECT_ACTS:
        assert sorted(select_labels(media_type, response.body)) == sorted(ACT_LABELS)
    else:
        check_acts_graph(as_graph(media_type, response.body))


@pytest.mark.parametrize(("query", "media_type"), CURL_CASES)
def test_curl_get(server, tmp_path, query, media_type):
    response = curl(
        tmp_path,
        "-G",
        "--data-urlencode",
        f"query={query}",
        "-H",
        f"Accept: {media_type}",
        server + "/sparql",
    )
    check_curl_answer(query, media_type, response)


@pytest.mark.parametrize(("query", "media_type"), CURL_CASES)
def test_curl_post_sparql_query(server, tmp_path, query, media_type):
    response = curl(
        tmp_path,
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        f"Accept: {media_type}",
        "--data-binary",
        query,
        server + "/sparql",
    )
    check_curl_answer(query, media_type, response)


# --- negotiation and the format parameter -------------------------------------------------------------


def test_select_defaults_to_sparql_json(server):
    for headers in ({}, {"Accept": "*/*"}):
        response = get(server, {"query": SELECT_ACTS}, headers)
        assert response.status == 200, response.describe()
        assert response.content_type == "application/sparql-results+json"
        assert sorted(select_labels(response.content_type, response.body)) == sorted(ACT_LABELS)


def test_construct_and_describe_default_to_turtle(server):
    for query, check in (
        (CONSTRUCT_ACTS, check_acts_graph),
        (DESCRIBE_RECRUITMENT, check_recruitment_description),
    ):
        for headers in ({}, {"Accept": "*/*"}):
            response = get(server, {"query": query}, headers)
            assert response.status == 200, response.describe()
            assert response.content_type == "text/turtle"
            check(as_graph("text/turtle", response.body))


def test_accept_with_quality_values_is_honoured(server):
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, text/html;q=0.1"
    response = get(server, {"query": SELECT_ACTS}, {"Accept": accept})
    assert response.status == 200 and response.content_type == "text/csv", response.describe()


@pytest.mark.parametrize(
    ("query", "name", "media_type"),
    [pytest.param(SELECT_ACTS, n, t, id=f"select-{n}") for n, t in RESULT_TYPES.items()]
    + [pytest.param(CONSTRUCT_ACTS, n, t, id=f"construct-{n}") for n, t in RDF_TYPES.items()],
)
def test_format_parameter_wins_over_accept(server, query, name, media_type):
    # An Accept naming another type the endpoint offers for this query form: the parameter must win.
    if query == SELECT_ACTS:
        accept = "text/csv" if name != "csv" else "application/sparql-results+json"
    else:
        accept = "text/turtle" if name != "ttl" else "application/n-triples"
    response = get(server, {"query": query, "format": name}, {"Accept": accept})
    check_curl_answer(query, media_type, response)
    in_form = post_form(server, {"query": query, "format": name}, {"Accept": accept})
    check_curl_answer(query, media_type, in_form)


def test_ask_in_every_result_format(server):
    for media_type in RESULT_TYPES.values():
        response = get(server, {"query": ASK_TRUE}, {"Accept": media_type})
        assert response.status == 200 and response.content_type == media_type, response.describe()
        assert ask_answer(media_type, response.body) is True


def test_dataset_parameters_choose_the_default_graph(server):
    """With a default-graph-uri naming no graph of the store, the default graph is empty (not the union)."""
    response = get(server, {"query": ASK_TRUE, "default-graph-uri": "http://example.org/no-such-graph"})
    assert response.status == 200, response.describe()
    assert json.loads(response.body)["boolean"] is False


# --- service description ------------------------------------------------------------------------------


def test_service_description(server):
    response = request(server, "GET", "/sparql")
    assert response.status == 200, response.describe()
    assert response.content_type == "text/turtle"
    graph = rdflib.Graph().parse(data=response.body, format="turtle")
    services = set(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, response.text
    service = services.pop()
    endpoint = graph.value(service, SD.endpoint)
    assert endpoint is not None and str(endpoint).endswith("/sparql"), response.text
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert formats, "no sd:resultFormat"
    assert any("SPARQL_Results_JSON" in f or "sparql-results+json" in f for f in formats), formats
    assert any("Turtle" in f or "turtle" in f for f in formats), formats
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


# --- errors -------------------------------------------------------------------------------------------

MALFORMED = "SELECT ?l WHERE { ?a <http://www.w3.org/2000/01/rdf-schema#label> }"


def parser_position(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return re.search(r"\d+:\d+", str(exc)).group(0)
    raise AssertionError("the query parses")


def test_malformed_query_is_400_with_the_position(server):
    position = parser_position(MALFORMED)
    for response in (get(server, {"query": MALFORMED}), post_query(server, MALFORMED)):
        message = check_json_error(response, 400)
        assert position in message, f"expected the parser position {position} in {message!r}"


def test_missing_query_is_400(server):
    check_json_error(post_form(server, {"default-graph-uri": "http://example.org/g"}), 400)
    check_json_error(post_query(server, ""), 400)


def test_two_query_parameters_are_400(server):
    check_json_error(get(server, [("query", "ASK {}"), ("query", "SELECT * {}")]), 400)
    check_json_error(post_form(server, [("query", "ASK {}"), ("query", "SELECT * {}")]), 400)


def test_service_is_disabled(server):
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } LIMIT 1"
    for response in (get(server, {"query": query}), post_query(server, query)):
        message = check_json_error(response, 400)
        assert "SERVICE" in message and "disabled" in message, message


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda s: post_form(s, {"update": "CLEAR ALL"}), id="form-update"),
        pytest.param(
            lambda s: request(
                s, "POST", "/sparql", headers={"Content-Type": "application/sparql-update"}, body=b"CLEAR ALL"
            ),
            id="sparql-update-body",
        ),
        pytest.param(lambda s: get(s, {"update": "CLEAR ALL"}), id="get-update"),
    ],
)
def test_updates_are_403_read_only(server, send):
    message = check_json_error(send(server), 403)
    assert re.search(r"read[- ]only", message, re.IGNORECASE), message
    still = get(server, {"query": ASK_TRUE})
    assert json.loads(still.body)["boolean"] is True


def test_unsupported_accept_is_406(server):
    check_json_error(get(server, {"query": SELECT_ACTS}, {"Accept": "image/png"}), 406)
    check_json_error(get(server, {"query": CONSTRUCT_ACTS}, {"Accept": "image/png"}), 406)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method):
    response = request(server, method, "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    check_json_error(response, 405)


def test_body_over_a_mebibyte_is_413(server):
    body = b"ASK {}\n#" + b"x" * (2 * 1024 * 1024)
    check_json_error(
        request(server, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"}, body=body),
        413,
    )


def test_body_just_under_a_mebibyte_is_answered(server):
    body = b"ASK {}\n#" + b"x" * (1024 * 1024 - 1024)
    response = request(
        server, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"}, body=body
    )
    assert response.status == 200, response.describe()
    assert json.loads(response.body)["boolean"] is True


def test_other_content_type_is_415(server):
    response = request(server, "POST", "/sparql", headers={"Content-Type": "text/plain"}, body=b"ASK {}")
    check_json_error(response, 415)


# --- headers ------------------------------------------------------------------------------------------


def _vary(response: Response) -> set[str]:
    return {v.strip().lower() for value in response.headers.get_all("Vary", []) for v in value.split(",")}


def test_cors_and_vary_on_answers(server):
    for response in (
        get(server, {"query": SELECT_ACTS}),
        post_query(server, CONSTRUCT_ACTS),
        post_form(server, {"query": ASK_TRUE}),
    ):
        assert response.status == 200, response.describe()
        assert response.headers.get("Access-Control-Allow-Origin") == "*", dict(response.headers)
        assert "accept" in _vary(response), dict(response.headers)


def test_cors_and_vary_on_errors(server):
    for response in (get(server, {"query": MALFORMED}), post_form(server, {"update": "CLEAR ALL"})):
        assert response.status in {400, 403}, response.describe()
        assert response.headers.get("Access-Control-Allow-Origin") == "*", dict(response.headers)
        assert "accept" in _vary(response), dict(response.headers)
