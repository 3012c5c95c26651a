"""The vocabulary resolves: /ontology answers the pyLODE documentation to browsers and the model
graphs in RDF to clients, by Accept or extension, and every page's footer links it."""

from __future__ import annotations

import json
from dataclasses import replace

import pyoxigraph as ox
import pytest

from tipkg.namespaces import TIP
from tipkg.webapp import create_app

ACT = ox.NamedNode(TIP + "Act")
OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_namespace_answers_documentation_to_browsers(client):
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "*/*"):
        response = client.get("/ontology", headers={"Accept": accept})
        assert response.status_code == 200, accept
        assert response.mimetype == "text/html"
        assert "Accept" in response.headers.get("Vary", "")
        body = response.get_data(as_text=True)
        # tip:Act is https://w3id.org/tipkg/ontology#Act: the document has its fragment
        assert 'id="Act"' in body and 'id="Provision"' in body
    assert client.get("/ontology.html").status_code == 200


@pytest.mark.parametrize(
    ("how", "media_type", "fmt"),
    [
        ({"headers": {"Accept": "text/turtle"}}, "text/turtle", ox.RdfFormat.TURTLE),
        ({"headers": {"Accept": "application/rdf+xml"}}, "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ({"headers": {"Accept": "application/ld+json"}}, "application/ld+json", ox.RdfFormat.JSON_LD),
        ({"ext": "ttl"}, "text/turtle", ox.RdfFormat.TURTLE),
        ({"ext": "rdf"}, "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ({"ext": "jsonld"}, "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_namespace_answers_the_model_in_rdf(client, how, media_type, fmt):
    path = f"/ontology.{how['ext']}" if "ext" in how else "/ontology"
    response = client.get(path, headers=how.get("headers", {}))
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")
    triples = {q.triple for q in ox.parse(response.data, format=fmt)}
    assert ox.Triple(ACT, RDF_TYPE, OWL_CLASS) in triples
    # the model only: no curated instance data
    assert not any(t.subject.value.startswith("https://w3id.org/tipkg/id/") for t in triples)
    assert not any("/.well-known/genid/" in str(t) for t in triples)  # blank nodes, as authored
    if fmt == ox.RdfFormat.JSON_LD:
        json.loads(response.data)


def test_unknown_extension_is_a_404_naming_the_formats(client):
    response = client.get("/ontology.xlsx", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "ontology.ttl" in response.get_json()["error"]


def test_missing_documentation_is_a_clear_503_not_a_500(built, tmp_path):
    app = create_app(settings=replace(built, docs_dir=tmp_path / "never-written"))
    client = app.test_client()
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "tipkg build" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    # the vocabulary in RDF comes from the store, so it still answers
    assert client.get("/ontology.ttl").status_code == 200


def test_every_page_footer_links_the_vocabulary(client):
    for path in ("/", "/query", "/no-such-page"):
        body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="/ontology">Vocabulary</a>' in body, path


def test_footer_link_opens_the_documentation_in_the_browser(page):
    page.goto("/")
    page.locator("footer.site").get_by_role("link", name="Vocabulary").click()
    page.wait_for_url("**/ontology")
    assert page.locator("#Act").count() == 1
    page.goto("/ontology#Act")
    assert page.locator("#Act").is_visible()
