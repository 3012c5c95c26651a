"""The per-build cache of the web app (tipkg.webapp.cache): kept while the build stays, computed
again when the store is rebuilt, computed once when threads ask together."""

from __future__ import annotations

import threading
import time

from tests.conftest import minimal_ontology, settings_for
from tipkg.loaders.build import build
from tipkg.store import open_store
from tipkg.webapp import create_app
from tipkg.webapp.cache import BuildCache, build_id, per_build


def test_values_are_kept_for_a_build_and_computed_again_after_a_rebuild(tmp_path):
    settings = settings_for("memory:", minimal_ontology(tmp_path / "ontology"))
    store = open_store(settings)
    build(settings, store=store)
    app = create_app(settings=settings, store=store)
    with app.test_request_context():
        first, built = per_build("test", None, object), build_id()
    with app.test_request_context():
        assert per_build("test", None, object) is first  # another request, the same build
        assert per_build("test", "other params", object) is not first
    time.sleep(1.05)  # build ids and times name the second: make sure the next build has its own
    build(settings, store=store)
    with app.test_request_context():
        assert build_id() != built
        assert per_build("test", None, object) is not first


def test_two_apps_never_share_a_value(built):
    one, two = create_app(settings=built), create_app(settings=built)
    with one.test_request_context():
        value = per_build("test", None, object)
    with two.test_request_context():
        assert per_build("test", None, object) is not value


def test_threads_asking_together_compute_once():
    cache, calls, started = BuildCache(), [], threading.Barrier(8)

    def make():
        calls.append(1)
        return object()

    results = []

    def ask():
        started.wait()
        results.append(cache.get("build-1", "key", make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_a_value_made_for_a_build_that_was_replaced_meanwhile_is_not_kept():
    cache = BuildCache()

    def make_while_rebuilt():
        cache.get("build-2", "other", lambda: None)  # the store moved on while this was computed
        return "old"

    assert cache.get("build-1", "key", make_while_rebuilt) == "old"
    assert cache.get("build-2", "key", lambda: "new") == "new"


def _counting_build_records(monkeypatch) -> list[int]:
    """A count of the build-record queries run (the real query still runs)."""
    from tipkg import queries

    seen: list[int] = []
    original = queries.select

    def select(store, name, params=None, *, base=None):
        if name == "build-record":
            seen.append(1)
        return original(store, name, params, base=base)

    monkeypatch.setattr(queries, "select", select)
    return seen


def test_an_assessment_reads_the_build_record_once_per_request(built, monkeypatch):
    client = create_app(settings=built).test_client()
    page = "/assess?acts=recruitment&means_none=1&purposes=use-in-armed-conflict&age=14&armed_conflict=non-international"
    assert client.get(page).status_code == 200  # the model loaded
    seen = _counting_build_records(monkeypatch)
    assert client.get(page).status_code == 200
    assert len(seen) == 1  # the page, the model and the participations share the request's
    answer = client.post("/api/assess", json={"acts": ["recruitment"], "purposes": ["use-in-armed-conflict"]})
    assert answer.status_code == 200 and len(seen) == 2


def test_a_store_with_a_state_ttl_is_asked_for_its_build_once_per_ttl(tmp_path, monkeypatch):
    settings = settings_for("memory:", minimal_ontology(tmp_path / "ontology"))
    store = open_store(settings)
    build(settings, store=store)
    app = create_app(settings=settings, store=store)
    seen = _counting_build_records(monkeypatch)
    monkeypatch.setattr(store, "state_ttl", 0.5, raising=False)
    for _ in range(3):
        with app.test_request_context():
            built = build_id()
    assert len(seen) == 1
    time.sleep(1.05)  # past the ttl, and a new build names a new second
    build(settings, store=store)
    with app.test_request_context():
        assert build_id() != built
    assert len(seen) == 2


def test_a_served_app_keeps_its_modules_and_build_tables_out_of_the_garbage_collectors_walks(built):
    # A full collection walks every object of the oldest generation: with the modules and the tables
    # kept per build there, an assessment page paused 12-50 ms one request in a few dozen. `tipkg
    # serve` builds its app long-lived, and a table made for a build is frozen with it; a table per
    # resource is not (there may be millions), and an app of the tests freezes nothing.
    import gc

    from tipkg.webapp import LONG_LIVED
    from tipkg.webapp.server import Server

    gc.unfreeze()
    try:
        plain = create_app(settings=built)
        assert gc.get_freeze_count() == 0 and LONG_LIVED not in plain.extensions
        assert plain.test_client().get("/matrix").status_code == 200
        assert gc.get_freeze_count() == 0

        app = Server(built, "127.0.0.1", 0).load()
        assert app.extensions[LONG_LIVED]
        at_start = gc.get_freeze_count()
        assert at_start > 10_000  # the modules
        client = app.test_client()
        assert client.get("/matrix").status_code == 200  # the matrix, a table of the build
        after_matrix = gc.get_freeze_count()
        assert after_matrix > at_start
        assert client.get("/matrix").status_code == 200  # kept: nothing frozen again
        assert gc.get_freeze_count() == after_matrix
        with app.test_request_context():
            per_build("test-one-resource", "https://w3id.org/tipkg/id/act/recruitment", lambda: [{"a": [1]}])
        assert gc.get_freeze_count() == after_matrix
    finally:
        gc.unfreeze()  # the tests' own objects, collectable again
