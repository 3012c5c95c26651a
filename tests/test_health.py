"""/healthz through a real server process, and through the app when nothing is built yet."""

from __future__ import annotations

import json
import urllib.request

from tests.conftest import settings_for
from tipkg.webapp import create_app


def test_healthz_reports_store_triples_and_build_record(server, built):
    with urllib.request.urlopen(server + "/healthz", timeout=30) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("application/json")
        data = json.load(answer)
    assert data["status"] == "ok"
    assert data["store"] == built.store
    assert data["triples"] > 5000
    build = data["build"]
    assert build["triples"] > 0 and build["inferred_triples"] > 0
    paths = {f["path"] for f in build["files"]}
    assert {"model/tipkg.ttl", "shapes/tipkg-shapes.ttl", "data/elements.ttl"} <= paths
    assert all(len(f["sha256"]) == 64 for f in build["files"])
    assert any(tool.startswith("owlready2") for tool in build["tools"])


def test_healthz_on_an_unbuilt_store_is_503_with_the_reason(tmp_path):
    app = create_app(settings=settings_for(f"oxigraph:{tmp_path}/nothing"))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable"
    assert "tipkg build" in answer.json["error"]


def test_unknown_path_is_a_404_page_or_json_as_asked(client):
    answer = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.json["status"] == 404
    page = client.get("/no/such/page")  # no Accept, as */*: a page for people
    assert page.status_code == 404 and page.mimetype == "text/html"
