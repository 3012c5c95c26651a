"""The public face: errors by class and by negotiation, security headers, the SPARQL endpoint's
faults (a crashed worker, oversized and pathological queries), and hostile literals rendered inert
in Chromium. Property-based fuzzing of the HTTP inputs is in tests/test_hostile_input.py."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.browser import axe_violations
from tests.conftest import minimal_ontology, settings_for
from tests.sparql_fixtures import request, start_server
from tipkg.dates import as_of
from tipkg.devtools import virtuoso
from tipkg.loaders.build import build
from tipkg.webapp import create_app
from tipkg.webapp.errors import SECURITY_HEADERS

HOSTILE = Path(__file__).parent / "data" / "hostile" / "hostile.ttl"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends
JSON = {"Accept": "application/json"}


# --- errors by class, answered as the client asks ------------------------------------------------


def test_an_iri_with_quotes_and_brackets_is_a_400_page_not_an_outage(client):
    answer = client.get("/id/act/%22%3E%3Cscript%3E", headers=HTML)
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "not a valid iri" in page
    assert "<script>" not in page.split("<main")[1]  # shown escaped, as text
    as_json = client.get("/id/act/%22%3E%3Cscript%3E", headers=JSON)
    assert as_json.status_code == 400 and as_json.json["status"] == 400
    assert "not a valid iri" in as_json.json["error"]


@pytest.mark.parametrize("accept", ["*/*", "text/html", None])
def test_unknown_pages_answer_a_page_to_browsers_and_star(client, accept):
    answer = client.get("/no/such/page", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert "<h1>404: Not Found</h1>" in answer.get_data(as_text=True)
    assert "Accept" in answer.headers["Vary"]


def test_machine_surfaces_always_answer_errors_in_json(client):
    for url in ("/api/no-such", "/graph/id/no/such", "/sparql?query=SELEC"):
        answer = client.get(url, headers=HTML)
        assert answer.is_json and answer.status_code in {400, 404}, url
        assert answer.json["status"] == answer.status_code and answer.json["error"]


def test_a_405_keeps_its_allow_header(client):
    answer = client.delete("/search", headers=JSON)
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]


@pytest.fixture
def raising_app(built):
    """The real app with two extra routes: one reads an as_of as every page does, one has a bug."""
    app = create_app(settings=built)

    @app.get("/_test/as-of/<text>")
    def _as_of_text(text):
        return as_of(text).isoformat()

    @app.get("/_test/bug")
    def _bug():
        return {"x": 1 // 0}

    return app


def test_a_bad_as_of_is_a_400_naming_the_field_and_value(raising_app):
    client = raising_app.test_client()
    assert client.get("/_test/as-of/2020-06-01").get_data(as_text=True) == "2020-06-01"
    answer = client.get("/_test/as-of/June%202020", headers=JSON)
    assert answer.status_code == 400
    assert answer.json["error"] == "as_of must be a date written YYYY-MM-DD, got 'June 2020'"
    page = client.get("/_test/as-of/1066-10-14", headers=HTML)
    assert page.status_code == 400 and "before 1900-01-01" in page.get_data(as_text=True)


def test_a_bug_is_a_logged_500_with_an_id_and_no_exception_text(raising_app, caplog):
    client = raising_app.test_client()
    with caplog.at_level(logging.ERROR, logger="tipkg.webapp"):
        answer = client.get("/_test/bug", headers=JSON)
    assert answer.status_code == 500
    reference = answer.json["reference"]
    assert len(reference) == 12 and reference in answer.json["error"]
    assert "ZeroDivision" not in answer.get_data(as_text=True)
    assert "division" not in answer.get_data(as_text=True)
    record = next(r for r in caplog.records if reference in r.getMessage())
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError
    page = client.get("/_test/bug", headers=HTML)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Traceback" not in page.get_data(as_text=True)


def test_a_store_that_is_gone_is_a_503_with_a_plain_message(tmp_path):
    # A remote SPARQL store on a port where nothing listens: every page is an outage, not a bug.
    port = virtuoso.free_port()
    settings = settings_for(f"sparql:http://127.0.0.1:{port}/sparql")
    client = create_app(settings=settings).test_client()
    for url, headers in (("/instruments", HTML), ("/id/act/recruitment", JSON)):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 503, (url, answer.get_data(as_text=True)[:300])
        text = answer.get_data(as_text=True)
        assert "not available at the moment" in text
        assert f"127.0.0.1:{port}" not in text  # where the store lives is not the client's business


# --- security headers ----------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client):
    for url in ("/", "/query", "/no/such/page", "/static/site.css", "/sparql?query=ASK%7B%7D", "/healthz"):
        answer = client.get(url)
        for key, value in SECURITY_HEADERS.items():
            assert answer.headers.get(key) == value, (url, key)
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert (
        "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_handler():
    templates = Path(__file__).parent.parent / "webapp" / "templates"
    for path in templates.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for at in range(len(text)):
            if text.startswith("<script", at):
                tag = text[at : text.index(">", at) + 1]
                assert "src=" in tag or 'type="application/json"' in tag, (path.name, tag)
        assert " onclick=" not in text and " onload=" not in text and "javascript:" not in text, path.name


PAGES = [
    "/",
    "/search?q=recruitment",
    "/elements",
    "/instruments",
    "/matrix",
    "/indicators",
    "/examples",
    "/assess",
    "/query",
    "/training",
    "/sanctions",
    "/glossary",
    "/id/act/recruitment",
    "/id/instrument/rome-statute",
    "/no/such/page",
]


def test_every_page_works_under_the_policy_with_no_violation(page):
    violations: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for url in PAGES:
        answer = page.goto(url)
        assert answer is not None
        assert answer.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # scripts that run after load report their violations too
    assert violations == [] and errors == []
    # The scripts moved to files still run: the editor is drawn, the graph is drawn, the checklist counts.
    page.goto("/query")
    page.locator("#yasgui .CodeMirror-line").first.wait_for()
    page.goto("/id/act/recruitment")
    page.locator("#graph canvas").first.wait_for(state="attached")
    page.goto("/indicators")
    page.locator("form.checklist input[type=checkbox]").first.check()
    assert "You ticked 1 indicator" in page.locator("#summary-body").inner_text()
    assert violations == [] and errors == []


# --- the SPARQL endpoint's faults ------------------------------------------------------------------

TIME_LIMIT = 3
CHEAP = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    server = start_server(
        built.store,
        tmp_path_factory.mktemp("public-face"),
        {"TIPKG_SPARQL_TIMEOUT": str(TIME_LIMIT), "TIPKG_SERVE_WORKERS": "1"},
    )
    yield server
    server.stop()


def post(url: str, query: str, timeout: float = 60):
    return request(
        url,
        "POST",
        "/sparql",
        body=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=timeout,
    )


def _error(answer, status: int) -> str:
    assert answer.status == status, answer.describe()
    body = json.loads(answer.body)
    assert body["status"] == status and "Traceback" not in body["error"]
    return body["error"]


def test_deeply_nested_groups_are_a_400_that_says_so(endpoint):
    query = "SELECT * WHERE " + "{ " * 20_000 + "?s ?p ?o" + " }" * 20_000
    assert "nests groups and brackets 20000 deep" in _error(post(endpoint.url, query), 400)
    assert post(endpoint.url, CHEAP).status == 200


def test_twenty_thousand_patterns_are_stopped_at_the_limit_not_crashing_the_worker(endpoint):
    # These used to overflow the worker's stack: it died, and the client read "stopped unexpectedly".
    query = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(20_000)) + " }"
    started = time.monotonic()
    answer = post(endpoint.url, query)
    assert "time limit" in _error(answer, 503)
    assert time.monotonic() - started < TIME_LIMIT + 15
    unions = "SELECT * WHERE { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(5_000)) + " } LIMIT 1"
    assert post(endpoint.url, unions).status in {200, 503}
    assert post(endpoint.url, CHEAP).status == 200


def test_an_oversized_query_is_a_413_that_says_so(endpoint):
    query = "ASK { ?s ?p " + '"' + "x" * (1024 * 1024) + '" }'
    assert "larger than 1024 KiB" in _error(post(endpoint.url, query), 413)


def _descendants(pid: int) -> list[int]:
    found = []
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for text in child.read_text().split():
            found += [int(text), *_descendants(int(text))]
    return found


def test_a_killed_worker_is_a_503_with_a_plain_message_and_the_next_query_is_served(endpoint):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    before = set(_descendants(endpoint.process.pid))
    answers = []
    thread = threading.Thread(target=lambda: answers.append(post(endpoint.url, runaway)))
    thread.start()
    time.sleep(1.0)  # the query is running in its worker
    query_workers = [
        pid
        for pid in _descendants(endpoint.process.pid)
        if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert query_workers, (before, endpoint.output())
    for pid in query_workers:
        os.kill(pid, signal.SIGKILL)
    thread.join(30)
    message = _error(answers[0], 503)
    assert "stopped its worker" in message and "still up" in message
    assert "EOFError" not in message
    assert post(endpoint.url, CHEAP).status == 200


@pytest.fixture(scope="module")
def small_memory(built, tmp_path_factory):
    server = start_server(
        built.store,
        tmp_path_factory.mktemp("memory-limit"),
        {"TIPKG_SPARQL_MAX_MEMORY_MB": "64", "TIPKG_SPARQL_TIMEOUT": "120", "TIPKG_SERVE_WORKERS": "1"},
    )
    yield server
    server.stop()


def test_a_query_past_the_memory_limit_is_a_503_that_says_so(small_memory):
    """Sorting a cross product holds every row: it reaches 64 MiB long before the time limit."""
    hog = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    started = time.monotonic()
    message = _error(post(small_memory.url, hog, timeout=150), 503)
    elapsed = time.monotonic() - started
    assert "more than the 64 MiB of memory a query may use" in message, message
    assert elapsed < 60, f"stopped after {elapsed:.1f} s: by the time limit, not the memory limit"
    assert post(small_memory.url, CHEAP).status == 200  # a fresh worker answers the next query
    description = request(small_memory.url, "GET", "/sparql", headers={"Accept": "text/turtle"})
    assert "120 s of running time; 64 MiB of memory;" in description.text


def test_the_service_description_and_cheap_queries_still_answer(endpoint):
    answer = request(endpoint.url, "GET", "/sparql", headers={"Accept": "text/turtle"})
    assert answer.status == 200 and "sparql-service-description#Service" in answer.text
    assert f"Limits per query: {TIME_LIMIT} s of running time; 1,024 MiB of memory;" in answer.text
    assert "nested up to 256 deep" in answer.text
    assert post(endpoint.url, CHEAP).status == 200


# --- hostile literals rendered inert --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    ontology = minimal_ontology(directory / "ontology", HOSTILE)
    settings = settings_for(f"oxigraph:{directory}/store", ontology)
    build(settings)
    server = start_server(settings.store, directory, {"TIPKG_SERVE_WORKERS": "1"})
    yield server
    server.stop()


def test_markup_and_script_in_the_data_show_as_text_and_never_run(browser, hostile_server):
    context = browser.new_context(base_url=hostile_server.url)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for url in (
            "/id/example/hostile",
            "/search?q=hostile",
            "/search?q=%3Cscript%3Ewindow.__xss%3D'q'%3C%2Fscript%3E",
            "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
            "/id/example/%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
            "/graph/id/example/hostile",
        ):
            page.goto(url)
            page.wait_for_load_state("load")
            page.wait_for_timeout(200)
            assert page.evaluate("window.__xss") is None, url
            assert page.locator("main img[src=x], main svg[onload], body > script:not([src])").count() == 0, (
                url
            )
        page.goto("/id/example/hostile")
        heading = page.locator("h1").inner_text()
        assert "<script>window.__xss = 'label'</script>" in heading  # shown, as text
        assert "onerror=" in page.locator("main").inner_text()
        assert dialogs == []
        assert axe_violations(page, impacts=("serious", "critical")) == []
    finally:
        context.close()
