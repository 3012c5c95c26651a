"""/sparql's time limit and size cap, each on a `tipkg serve` process of its own over the curated graph.

A runaway query (a three-way cross join of the ~17,000 triples, counted) must be stopped with 503 soon
after the limit, must not hold up cheap queries sent meanwhile, and must leave the server answering.
An answer over the size cap (bytes as serialised) is a 400 that names the cap.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse

import pytest

from tests.sparql_fixtures import Response, request, start_server

TIME_LIMIT = 2  # seconds, TIPKG_SPARQL_TIMEOUT
MAX_BYTES = 2000  # TIPKG_SPARQL_MAX_RESULT_BYTES
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { <https://w3id.org/tipkg/id/act/recruitment> a <https://w3id.org/tipkg/ontology#Act> }"
ACTS = (
    "SELECT ?l WHERE { ?a a <https://w3id.org/tipkg/ontology#Act> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)


def warm_up(url: str, concurrent: int = 2, rounds: int = 6) -> None:
    """Have the server answer a few cheap queries at once, as a server in use has, so that whatever it
    starts on demand (threads, worker processes) is started and the timings below measure queries, not
    start-up on a machine that may be busy. A round may see 503s if the server counts that start-up
    against the limit (test_cheap_queries_are_answered_under_a_short_limit catches that); it must settle
    within a few rounds."""
    statuses: list[list[int]] = []
    for _ in range(rounds):
        answers: list[Response] = []

        def ask(answers: list[Response] = answers) -> None:
            answers.append(get(url, CHEAP, timeout=60))

        threads = [threading.Thread(target=ask, daemon=True) for _ in range(concurrent)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=70)
        statuses.append([a.status for a in answers])
        if len(answers) == concurrent and all(a.status == 200 for a in answers):
            return
    raise AssertionError(f"cheap queries were not all answered in {rounds} rounds: {statuses}")


@pytest.fixture(scope="module")
def timed_server(built, tmp_path_factory):
    server = start_server(
        built.store, tmp_path_factory.mktemp("sparql-timeout"), {"TIPKG_SPARQL_TIMEOUT": str(TIME_LIMIT)}
    )
    try:
        warm_up(server.url)
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture(scope="module")
def capped_server(built, tmp_path_factory):
    server = start_server(
        built.store, tmp_path_factory.mktemp("sparql-size"), {"TIPKG_SPARQL_MAX_RESULT_BYTES": str(MAX_BYTES)}
    )
    yield server
    server.stop()


def get(url: str, query: str, timeout: float = 30) -> Response:
    return request(
        url,
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
        timeout=timeout,
    )


def error_of(response: Response, status: int) -> str:
    assert response.status == status, response.describe()
    assert response.content_type == "application/json", response.describe()
    data = json.loads(response.body)
    assert data["status"] == status, data
    return data["error"]


def test_runaway_query_is_stopped_and_does_not_block_others(timed_server):
    runaway: dict = {}

    def run_away() -> None:
        started = time.monotonic()
        try:
            runaway["response"] = get(timed_server.url, RUNAWAY, timeout=TIME_LIMIT + 30)
        except Exception as exc:  # reported below, on the test's thread
            runaway["error"] = exc
        runaway["elapsed"] = time.monotonic() - started
        runaway["ended"] = time.monotonic()

    thread = threading.Thread(target=run_away, daemon=True)
    thread.start()
    time.sleep(0.5)  # let the runaway get going

    cheap: list[tuple[float, Response, float]] = []

    def ask_cheaply() -> None:
        for query in (CHEAP, ACTS, CHEAP):
            started = time.monotonic()
            response = get(timed_server.url, query, timeout=10)
            cheap.append((time.monotonic() - started, response, time.monotonic()))

    other = threading.Thread(target=ask_cheaply, daemon=True)
    other.start()
    other.join(timeout=15)
    assert not other.is_alive(), "cheap queries got no answer within 15 s while the runaway ran"
    thread.join(timeout=TIME_LIMIT + 35)
    assert not thread.is_alive(), "the runaway query got no answer"
    assert "error" not in runaway, (
        f"the runaway request failed: {runaway.get('error')!r}\n{timed_server.output()}"
    )

    assert len(cheap) == 3
    for elapsed, response, _ in cheap:
        assert response.status == 200, response.describe()
        assert elapsed < 1.0, f"a cheap query took {elapsed:.2f} s while the runaway ran"
    assert json.loads(cheap[0][1].body)["boolean"] is True
    assert len(json.loads(cheap[1][1].body)["results"]["bindings"]) == 5
    last_cheap_answer = cheap[-1][2]
    assert last_cheap_answer < runaway["ended"], (
        "the cheap queries were answered only after the runaway ended"
    )

    message = error_of(runaway["response"], 503)
    assert re.search(r"time|timed? ?out", message, re.IGNORECASE), message
    assert re.search(rf"\b{TIME_LIMIT}(\.0+)?\s*(s\b|sec)", message), (
        f"the limit ({TIME_LIMIT} s) in {message!r}"
    )
    assert TIME_LIMIT - 0.5 <= runaway["elapsed"] <= TIME_LIMIT + 4, (
        f"the runaway was stopped after {runaway['elapsed']:.2f} s (limit {TIME_LIMIT} s)"
    )

    # Afterwards the server still answers, promptly, and is still the same process.
    started = time.monotonic()
    after = get(timed_server.url, ACTS, timeout=10)
    assert after.status == 200, after.describe()
    assert len(json.loads(after.body)["results"]["bindings"]) == 5
    assert time.monotonic() - started < 2.0
    assert timed_server.alive(), timed_server.output()


def test_a_second_runaway_is_stopped_too(timed_server):
    """The limit is not a one-off: the next runaway is stopped the same way."""
    started = time.monotonic()
    response = get(timed_server.url, RUNAWAY, timeout=TIME_LIMIT + 30)
    elapsed = time.monotonic() - started
    error_of(response, 503)
    assert elapsed <= TIME_LIMIT + 4, f"stopped after {elapsed:.2f} s"
    assert get(timed_server.url, CHEAP, timeout=10).status == 200


def literal_of(length: int) -> str:
    """A query whose answer is one literal of ``length`` characters (its JSON a few dozen bytes more)."""
    return f'SELECT ?x WHERE {{ BIND(CONCAT("{"a" * length}") AS ?x) }}'


def test_answer_over_the_size_cap_is_400_naming_the_cap(capped_server):
    cap = f"{MAX_BYTES:,} bytes"
    message = error_of(get(capped_server.url, "SELECT * WHERE { ?s ?p ?o }"), 400)
    assert cap in message, f"the cap ({cap}) in {message!r}"
    just_over = error_of(get(capped_server.url, literal_of(MAX_BYTES)), 400)
    assert cap in just_over, just_over
    graph = request(
        capped_server.url,
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }"}),
        headers={"Accept": "text/turtle"},
    )
    assert cap in error_of(graph, 400)
    assert get(capped_server.url, CHEAP).status == 200, "the server answers on after a refusal"


@pytest.mark.parametrize("length", [10, MAX_BYTES - 200])
def test_answer_within_the_size_cap_is_answered(capped_server, length):
    response = get(capped_server.url, literal_of(length))
    assert response.status == 200, response.describe()
    assert len(response.body) <= MAX_BYTES
    [row] = json.loads(response.body)["results"]["bindings"]
    assert row["x"]["value"] == "a" * length


SHORT_LIMIT = 0.5  # seconds: shorter than it takes to start a Python process and open the store


def test_cheap_queries_are_answered_under_a_short_limit(built, tmp_path):
    """The limit is on the query, not on whatever the server starts to run it: right after start-up, with
    a limit of half a second, cheap queries (each a few milliseconds) get 200, one after the other."""
    server = start_server(built.store, tmp_path, {"TIPKG_SPARQL_TIMEOUT": str(SHORT_LIMIT)})
    try:
        answers = []
        for _ in range(4):
            answers.append(get(server.url, CHEAP, timeout=30))
            time.sleep(0.3)
        assert [a.status for a in answers] == [200] * 4, [a.describe() for a in answers]
    finally:
        server.stop()


def test_with_the_limit_off_queries_run_in_the_request_thread(built):
    """sparql_timeout = 0: no worker process is started; the request's thread answers."""
    import dataclasses
    import multiprocessing

    from tipkg.webapp import create_app

    app = create_app(settings=dataclasses.replace(built, sparql_timeout=0))
    before = len(multiprocessing.active_children())
    response = app.test_client().get(
        "/sparql", query_string={"query": ACTS}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 5
    assert not app.extensions["tipkg.sparql"].isolated
    assert len(multiprocessing.active_children()) == before


NONE = "<https://w3id.org/tipkg/ontology#noSuchProperty>"
PATHOLOGICAL = {
    # every node to every node it reaches over any property, either way: the closure of the graph
    "deep property path": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s (!{NONE}|^!{NONE})* ?o }}",
    # skipping 10^12 rows of a cross product
    "huge OFFSET": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } OFFSET 1000000000000 LIMIT 1",
}


@pytest.mark.parametrize("kind", sorted(PATHOLOGICAL))
def test_pathological_queries_are_stopped_at_the_limit_while_others_are_served(timed_server, kind):
    slow: dict = {}

    def run() -> None:
        started = time.monotonic()
        slow["response"] = get(timed_server.url, PATHOLOGICAL[kind], timeout=TIME_LIMIT + 30)
        slow["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    cheap = get(timed_server.url, CHEAP, timeout=10)
    answered = time.monotonic()
    assert cheap.status == 200, cheap.describe()
    thread.join(timeout=TIME_LIMIT + 35)
    assert not thread.is_alive(), f"the {kind} query got no answer"
    # Served, not refused or hung. Not asserted to be before the slow query ends: the cheap one may
    # need a query worker started afresh (it copies the store), which on the busy shared machine has
    # taken longer than the limit; test_runaway_query_is_stopped_and_does_not_block_others holds the
    # strict timing on a warmed pool.
    assert answered - started < TIME_LIMIT + 5, f"the cheap query took {answered - started:.2f} s"
    message = error_of(slow["response"], 503)
    assert re.search(rf"\b{TIME_LIMIT}(\.0+)?\s*(s\b|sec)", message), message
    assert slow["elapsed"] <= TIME_LIMIT + 4, f"stopped after {slow['elapsed']:.2f} s"


def test_an_offset_beyond_any_integer_is_not_a_server_error(timed_server):
    response = get(timed_server.url, "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999999")
    assert response.status < 500, response.describe()
