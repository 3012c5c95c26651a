"""Resource IRIs as linked data, the dumps and the VoID description, through a real server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
import rdflib
import rdflib.compare

IRI = "https://w3id.org/tipkg/id/provision/rome-statute-art-7-2-c"
FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
}


def get(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("extension", sorted(FORMATS))
def test_a_resource_iri_answers_the_same_rdf_by_extension_and_by_accept(server, extension):
    media_type, rdflib_format = FORMATS[extension]
    path = IRI.removeprefix("https://w3id.org/tipkg")
    by_ext = get(f"{server}{path}.{extension}")
    by_accept = get(f"{server}{path}", accept=media_type)
    assert by_ext[0] == by_accept[0] == 200
    assert by_ext[1]["Content-Type"].startswith(media_type)
    assert "Accept" in by_accept[1].get("Vary", "")
    a = rdflib.Graph().parse(data=by_ext[2], format=rdflib_format)
    b = rdflib.Graph().parse(data=by_accept[2], format=rdflib_format)
    assert rdflib.compare.isomorphic(a, b)
    subject = rdflib.URIRef(IRI)
    assert (
        subject,
        rdflib.URIRef("https://w3id.org/tipkg/ontology#citation"),
        rdflib.Literal("art. 7(2)(c)"),
    ) in a
    quotation = a.value(subject, rdflib.URIRef("https://w3id.org/tipkg/ontology#quotation"))
    assert quotation is not None and "trafficking in persons" in str(quotation)


def test_browsers_get_html_and_unknown_iris_404(server):
    path = IRI.removeprefix("https://w3id.org/tipkg")
    status, headers, body = get(f"{server}{path}", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"Rome Statute, art. 7(2)(c)" in body
    assert get(f"{server}/id/provision/no-such-thing.ttl")[0] == 404


def test_void_describes_the_dataset_with_counts_endpoint_and_dumps(server, store):
    from tipkg import queries

    status, _headers, body = get(f"{server}/.well-known/void", accept="text/turtle")
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(graph.subjects(rdflib.RDF.type, void.Dataset))
    triples = int(graph.value(dataset, void.triples))
    assert triples == int(next(iter(queries.run(store, "triple-count")))["triples"].value)
    assert str(graph.value(dataset, void.sparqlEndpoint)).endswith("/sparql")
    assert len(list(graph.objects(dataset, void.dataDump))) == 3
    assert len(list(graph.objects(dataset, rdflib.DCTERMS.source))) == 5
    assert graph.value(dataset, rdflib.DCTERMS.license) is not None


@pytest.mark.parametrize(
    ("extension", "rdflib_format"), [("nq", "nquads"), ("ttl", "turtle"), ("jsonld", "json-ld")]
)
def test_dumps_download_in_every_format(server, extension, rdflib_format):
    status, headers, body = get(f"{server}/dumps/tipkg.{extension}")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    graph = rdflib.Dataset() if extension == "nq" else rdflib.Graph()
    graph.parse(data=body, format=rdflib_format)
    assert len(graph) > 10000 or sum(1 for _ in graph.quads()) > 10000


def test_void_serves_the_turtle_description_with_this_servers_dump_addresses(server):
    status, _headers, body = get(f"{server}/.well-known/void", accept="application/n-triples")
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format="nt")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef("https://w3id.org/tipkg/dataset")
    assert str(graph.value(dataset, rdflib.DCTERMS.title)).startswith("TIPKG")  # from data/dataset.ttl
    addresses = {}
    for distribution in graph.objects(dataset, dcat.distribution):
        addresses[str(graph.value(distribution, dcat.mediaType))] = str(
            graph.value(distribution, dcat.downloadURL)
        )
    assert addresses == {
        "application/n-quads": f"{server}/dumps/tipkg.nq",
        "text/turtle": f"{server}/dumps/tipkg.ttl",
        "application/ld+json": f"{server}/dumps/tipkg.jsonld",
    }
    dumps = {str(o) for o in graph.objects(dataset, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))}
    assert dumps == set(addresses.values())
