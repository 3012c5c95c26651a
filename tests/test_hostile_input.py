"""Hostile input over HTTP, generated: every input a client controls (SPARQL text, search terms, IRIs
and paths, assessment JSON, matrix, training and other page parameters, ``as_of`` dates), tried with
hypothesis on the real app over the curated graph. No answer is a 5xx, none shows a stack trace,
each comes back within a bound. Schemathesis drives the JSON API from its OpenAPI description.

The number of examples is capped for CI (``FUZZ_EXAMPLES``, default 40 per input); set the
environment variable higher for a long run (bench/RESULTS.md records the largest made)."""

from __future__ import annotations

import json
import os
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipkg.dates import as_of
from tipkg.webapp import create_app

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
BOUND_SECONDS = 15  # the SPARQL time limit (10 s) and some slack on a busy machine
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
SPARQL_ALLOWED = {200, 400, 403, 406, 413, 415}

# Text with what an attacker tries: markup, quotes, brackets, percent signs, SPARQL punctuation,
# control characters and the odd astral-plane character.
NASTY = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from([*"<>\"'&%{}()[];#?*/\\\n\t\x00 é𝄞a", "..", "%00", "%2F"]), max_size=40).map(
        "".join
    ),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP GRAPH <x> ; --",
            "} UNION { ?s ?p ?o",
            "../../etc/passwd",
            "%2e%2e%2f",
            "\u202e",
            "a" * 5000,
        ]
    ),
)


@pytest.fixture(scope="module")
def fuzz_app(built):
    app = create_app(settings=built)

    @app.get("/_fuzz/as-of")
    def _as_of():  # reads as_of as every page that takes one does
        from flask import request

        return as_of(request.args.get("as_of")).isoformat()

    return app


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app):
    return fuzz_app.test_client()


def check(answer, started: float, allowed: set[int] | None = None) -> None:
    """No 5xx, no traceback or Python exception name, and an answer within the bound."""
    assert time.monotonic() - started < BOUND_SECONDS
    assert answer.status_code < 500, (answer.status_code, answer.get_data(as_text=True)[:400])
    if allowed is not None:
        assert answer.status_code in allowed, (answer.status_code, answer.get_data(as_text=True)[:400])
    body = answer.get_data(as_text=True)
    assert "Traceback" not in body and 'File "/' not in body
    if answer.status_code >= 400:
        error = answer.json["error"] if answer.is_json else body
        for leak in ("KeyError", "TypeError", "AttributeError", "ValueError", "IndexError"):
            assert leak not in error, error


def get(client, path: str, **params):
    started = time.monotonic()
    answer = client.get(path, query_string=params, headers={"Accept": "text/html"})
    check(answer, started)
    return answer


@FUZZ
@given(text=NASTY)
def test_sparql_text(fuzz_client, text):
    for query in (text, f"SELECT * WHERE {{ ?s ?p {text} }} LIMIT 3", f"ASK {{ <{text}> ?p ?o }}"):
        started = time.monotonic()
        answer = fuzz_client.post("/sparql", data={"query": query}, headers={"Accept": "*/*"})
        check(answer, started, SPARQL_ALLOWED)


@FUZZ
@given(body=st.binary(max_size=300), kind=st.sampled_from(["application/sparql-query", "text/plain", ""]))
def test_sparql_bodies(fuzz_client, body, kind):
    started = time.monotonic()
    answer = fuzz_client.post("/sparql", data=body, headers={"Content-Type": kind} if kind else {})
    check(answer, started, SPARQL_ALLOWED)


@FUZZ
@given(term=NASTY, kind=NASTY)
def test_search_terms(fuzz_client, term, kind):
    answer = get(fuzz_client, "/search", q=term, kind=kind)
    if answer.status_code == 200 and "<" in term:
        assert term not in answer.get_data(as_text=True) or "<" not in term.strip()


@FUZZ
@given(path=NASTY, cited_by=NASTY, page=NASTY)
def test_resource_iris_and_paths(fuzz_client, path, cited_by, page):
    quoted = urllib.parse.quote(path, safe="")
    for url in (f"/id/{quoted}", f"/id/act/{quoted}", f"/graph/id/{quoted}", f"/{quoted}"):
        get(fuzz_client, url)
    get(fuzz_client, "/id/act/recruitment", cited_by=cited_by, page=page)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | NASTY,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(NASTY, children, max_size=5),
    max_leaves=20,
)


@FUZZ
@given(
    payload=st.one_of(
        JSON,
        st.dictionaries(
            st.sampled_from(["facts", "victim", "acts", "means", "purposes", "context", "victim.age_group"]),
            JSON,
            max_size=5,
        ),
    )
)
def test_assessment_json(fuzz_client, payload):
    started = time.monotonic()
    answer = fuzz_client.post(
        "/api/assess", data=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    check(answer, started, {200, 400, 413, 415, 422})


@FUZZ
@given(raw=st.binary(max_size=200))
def test_assessment_bodies_that_are_not_json(fuzz_client, raw):
    started = time.monotonic()
    answer = fuzz_client.post("/api/assess", data=raw, headers={"Content-Type": "application/json"})
    check(answer, started, {200, 400, 413, 415, 422})


@FUZZ
@given(a=NASTY, b=NASTY, c=NASTY)
def test_matrix_training_and_page_parameters(fuzz_client, a, b, c):
    get(fuzz_client, "/matrix", age=a, conflict=b)
    get(fuzz_client, "/matrix", **{a[:20] or "x": b})
    get(fuzz_client, "/training/download", module=a, format=b, seed=c)
    get(fuzz_client, "/compare", left=a, right=b)
    get(fuzz_client, "/indicators", observed=a)
    get(fuzz_client, "/query", example=a)
    get(fuzz_client, "/assess", **{"acts": a, "means": b, "victim.age_group": c})


@FUZZ
@given(text=st.one_of(NASTY, st.dates().map(str), st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True)))
def test_as_of_dates(fuzz_client, text):
    started = time.monotonic()
    answer = fuzz_client.get(
        "/_fuzz/as-of", query_string={"as_of": text}, headers={"Accept": "application/json"}
    )
    check(answer, started, {200, 400})
    if answer.status_code == 400:
        assert answer.json["error"].startswith("as_of")


def test_the_json_api_against_its_openapi_description(fuzz_app):
    """Schemathesis generates requests from /api/openapi.json; none may be answered with a 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import given as _given

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @_given(case=operation.as_strategy())
        def run(case):
            started = time.monotonic()
            response = case.call()
            assert time.monotonic() - started < BOUND_SECONDS
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            assert "Traceback" not in response.text

        run()
        ran += 1
    assert ran >= 3
