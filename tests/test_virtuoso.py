"""The same graph built into a real Virtuoso answers every named query as Oxigraph does."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest

from tests.conftest import EXAMPLES, settings_for
from tipkg import queries
from tipkg.errors import BuildError
from tipkg.loaders.build import build
from tipkg.store import open_store

pytestmark = pytest.mark.virtuoso

# A sample value for each parameter name the named queries use; a query with a required parameter
# of another name fails here until it gets one.
SAMPLES = {
    "instrument": "inst:rome-statute",
    "scheme": "scheme:means",
    "conduct": "purpose:sexual-slavery",
    "text": "slavery",
    "property": "http://www.w3.org/2004/02/skos/core#definition",
    "resource": "pr:rome-statute-art-7-2-c",
    "base": "https://w3id.org/tipkg/",
    "case": "https://w3id.org/tipkg/id/case/table-1-row-2",
    "comparison": "https://w3id.org/tipkg/id/comparison/trafficking-vs-smuggling",
    "left": "qual:trafficking-in-persons",
    "right": "qual:smuggling-of-migrants",
    "topic": "fw:war-crimes",
    "source": "doc:unodc-thematic-paper-2018",
    "endpoint": "http://localhost/sparql",
    "mediaType": "application/n-quads",
    "url": "http://localhost/dumps/tipkg.nq",
    "party": "https://w3id.org/tipkg/id/listed/lyi-021",
    "article": "pr:rome-statute-art-7",
    "provision": "pr:rome-statute-art-7-2-c",
    "country": {"iri": "https://w3id.org/tipkg/id/country/ml", "string": "ML"},
    "loaded": "https://w3id.org/tipkg/graph/external/legal-texts/",
    "regime": "regime:libya",
    "before": "https://w3id.org/tipkg/graph/external/un-sanctions/2020-11-30",
    "after": "https://w3id.org/tipkg/graph/external/un-sanctions/2024-09-26",
}


def params_for(name: str) -> dict:
    found = {p.name: SAMPLES[p.name] for p in queries.get(name).params if p.name != "build"}
    types = {p.name: p.type for p in queries.get(name).params}
    return {k: v[types[k]] if isinstance(v, dict) else v for k, v in found.items()}


_NUMERIC = {
    f"http://www.w3.org/2001/XMLSchema#{t}"
    for t in ("integer", "int", "long", "decimal", "double", "float", "short")
}
# The build record differs between two builds by its id and times; everything else must match.
BUILD_SPECIFIC = {"build", "started", "ended"}


def normalise(term):
    """A comparable form of a term: numbers by value, times by instant, the rest as written."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        if "/id/build/" in term.value:
            return (
                "iri",
                "<build>" + term.value.split("/source/", 1)[-1] if "/source/" in term.value else "<build>",
            )
        return ("iri", term.value)
    datatype = term.datatype.value if term.datatype else None
    if datatype in _NUMERIC:
        return ("number", Decimal(term.value))
    if datatype == "http://www.w3.org/2001/XMLSchema#dateTime":
        return ("dateTime", dt.datetime.fromisoformat(term.value.replace("Z", "+00:00")))
    if term.value == "" and datatype == "http://www.w3.org/2001/XMLSchema#string":
        return None  # GROUP_CONCAT over nothing: "" on Virtuoso, unbound on Oxigraph
    return ("literal", term.value, (term.language or "").lower(), datatype if not term.language else None)


# SPARQL leaves the order of GROUP_CONCAT and the choice of SAMPLE to the engine: such columns are
# compared as sets of their parts, or not at all (a sample is any one of the group's values).
CONCATENATED = {("countries", "names"), ("country-reports", "forms"), ("country-reports", "values")}
SAMPLED = {("official-text-instruments", "sampleLabel"), ("official-text-instruments", "sampleCitation")}


def _cell(name: str, variable: str, term):
    if (name, variable) in CONCATENATED and term is not None and term.value:
        return tuple(sorted(term.value.split("; ")))
    return normalise(term)


def answers(store, name: str, params: dict) -> object:
    result = queries.run(store, name, params)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [
            v.value
            for v in result.variables
            if v.value not in BUILD_SPECIFIC and (name, v.value) not in SAMPLED
        ]
        rows = [tuple(_cell(name, v, row[v]) for v in variables) for row in result]
        return variables, sorted(rows, key=repr)
    return sorted(
        (normalise(t.subject), normalise(t.predicate), _build_time(t) or normalise(t.object)) for t in result
    )


def _build_time(triple) -> tuple | None:
    """When a build ended differs between two builds, like its id (the dataset's dcterms:modified)."""
    return ("dateTime", "<build>") if triple.predicate.value == "http://purl.org/dc/terms/modified" else None


@pytest.fixture(scope="module")
def virtuoso_store(virtuoso_server, built):
    url = virtuoso_server.sparql_url
    settings = settings_for(f"sparql:{url},{url},{virtuoso_server.graph_store_url}")
    build(settings)
    return settings, open_store(settings)


def own_build(store) -> dict:
    return {"build": next(iter(queries.run(store, "build-record")))["build"]}


@pytest.mark.parametrize(
    "name", sorted(n for n in queries.catalogue() if n != "diagnose-disjoint-membership")
)
def test_every_named_query_answers_the_same_on_virtuoso_and_oxigraph(name, virtuoso_store, store):
    _, remote = virtuoso_store
    params = params_for(name)
    if any(p.name == "build" for p in queries.get(name).params):
        local_params, remote_params = {**params, **own_build(store)}, {**params, **own_build(remote)}
    else:
        local_params = remote_params = params
    if name == "dump-quads":
        # Compare the curated and inferred graphs quad by quad; the build graph differs in its id.
        local = [r for r in answers(store, name, local_params)[1] if not r[3][1].endswith("graph/build")]
        there = [r for r in answers(remote, name, remote_params)[1] if not r[3][1].endswith("graph/build")]
        assert len(local) > 5000
        assert local == there
        return
    assert answers(remote, name, remote_params) == answers(store, name, local_params)


def test_a_query_over_the_servers_graphs_keeps_to_the_projects(virtuoso_store):
    # resource-incoming names no graphs (# graphs: store) so that Virtuoso plans it from its object
    # index; a graph of someone else's on the same server that points at our resource stays out.
    _, remote = virtuoso_store
    resource = "https://w3id.org/tipkg/id/purpose/sexual-slavery"
    stranger = "urn:tipkg-test:stranger"
    assert queries.get("resource-incoming").every_graph
    before = {
        row["subject"].value for row in queries.select(remote, "resource-incoming", {"resource": resource})
    }
    remote.update(
        f"INSERT DATA {{ GRAPH <urn:tipkg-test:other> {{ <{stranger}> <urn:tipkg-test:p> <{resource}> }} }}"
    )
    try:
        assert remote.ask(f"ASK {{ GRAPH ?g {{ <{stranger}> ?p <{resource}> }} }}", named_graphs=[])
        after = {
            row["subject"].value
            for row in queries.select(remote, "resource-incoming", {"resource": resource})
        }
    finally:
        remote.update("DROP SILENT GRAPH <urn:tipkg-test:other>")
    assert len(before) > 5 and after == before


def test_a_failed_build_leaves_the_remote_graph_as_it_was(virtuoso_store, tmp_path):
    settings, remote = virtuoso_store
    before = next(iter(queries.run(remote, "triple-count")))["triples"].value
    broken = tmp_path / "ontology"
    shutil.copytree(settings.ontology_dir, broken, ignore=shutil.ignore_patterns("examples"))
    shutil.copy(EXAMPLES / "invalid" / "shacl-violation.ttl", broken / "data")
    with pytest.raises(BuildError, match="SHACL"):
        build(settings_for(settings.store, broken))
    assert next(iter(queries.run(open_store(settings), "triple-count")))["triples"].value == before


@pytest.mark.parametrize("protocol", ["graph-store", "update"])
def test_a_staged_graph_uploads_whole_by_either_protocol(virtuoso_server, protocol):
    from tipkg.store import _named_query_text
    from tipkg.store.sparql import GSP_CHUNK, SparqlStore

    url = virtuoso_server.sparql_url
    prefix = f"urn:tipkg-test:{protocol}/"
    remote = SparqlStore(
        "test",
        url,
        url,
        graph_prefix=prefix,  # apart from the project's graphs, which a commit would drop as stale
        graphs_query=_named_query_text("build-graphs"),
        graph_store_url=virtuoso_server.graph_store_url if protocol == "graph-store" else None,
    )
    graph = ox.NamedNode(prefix + "g")
    staging = remote.stage()
    count = GSP_CHUNK + 7 if protocol == "graph-store" else 1200  # more than one request either way
    staging.store.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f'o {i} "é"'), graph)
        for i in range(count)
    )
    staging.commit(lambda _: None)
    counted = remote.select(
        queries.get("triple-count").text, default_graphs=[graph.value], named_graphs=[graph.value]
    )
    assert int(next(iter(counted))["triples"].value) == count
    staging = remote.stage()  # a second upload replaces the graph, it does not add to it
    staging.store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("x"), graph))
    staging.commit(lambda _: None)
    counted = remote.select(
        queries.get("triple-count").text, default_graphs=[graph.value], named_graphs=[graph.value]
    )
    assert int(next(iter(counted))["triples"].value) == 1


def test_a_load_and_an_unload_change_only_their_graph_on_virtuoso(virtuoso_store, tmp_path, monkeypatch):
    from tipkg.loaders import external

    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")
    settings, remote = virtuoso_store
    before = next(iter(queries.run(remote, "triple-count")))["triples"].value
    notes = tmp_path / "virtuoso-notes.csv"
    notes.write_text("act/recruitment,a note on recruitment, loaded into Virtuoso\n")
    result = external.load(settings, "fixture", notes)
    fresh = open_store(settings)  # a new client, as another process would see it
    assert result.graph in fresh.graphs()
    labels = fresh.select(
        "SELECT ?l WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "<https://w3id.org/tipkg/id/act/recruitment> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert [r["l"].value for r in labels] == ["a note on recruitment, loaded into Virtuoso"]
    assert [r.snapshot for r in external.loaded(fresh)] == ["virtuoso-notes"]
    external.unload(settings, "fixture")
    after = open_store(settings)
    assert result.graph not in after.graphs()
    assert next(iter(queries.run(after, "triple-count")))["triples"].value == before


def test_a_query_naming_more_graphs_than_http_headers_allow_answers(virtuoso_server):
    # Virtuoso echoes one response header per graph named; the curated graphs and a few loaded
    # snapshots go past the 100 headers Python's http.client accepts by default.
    from tipkg.store import _named_query_text
    from tipkg.store.sparql import SparqlStore

    url = virtuoso_server.sparql_url
    prefix = "urn:tipkg-test:headers/"
    remote = SparqlStore(
        "test", url, url, graph_prefix=prefix, graphs_query=_named_query_text("build-graphs")
    )
    graphs = [f"{prefix}g{i}" for i in range(120)]
    assert remote.ask("ASK { }", default_graphs=graphs, named_graphs=graphs)


def test_a_remote_load_fetches_only_the_builds_graphs_and_an_unload_not_what_it_drops(
    virtuoso_store, tmp_path, monkeypatch
):
    # A remote staging is a local copy: copying every loaded snapshot for each load (or the one an
    # unload drops) made loads cost what was loaded before. The real client, with its fetches noted.
    from tipkg.loaders import external
    from tipkg.store.sparql import SparqlStore

    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")
    settings, _ = virtuoso_store
    fetched: list[str] = []
    real = SparqlStore.quads_of

    def noted(self, graphs):
        fetched.extend(graphs)
        return real(self, graphs)

    monkeypatch.setattr(SparqlStore, "quads_of", noted)
    first, second = tmp_path / "remote-a.csv", tmp_path / "remote-b.csv"
    first.write_text("act/recruitment,the first snapshot\n")
    second.write_text("act/recruitment,the second snapshot\n")
    a = external.load(settings, "fixture", first)
    fetched.clear()
    b = external.load(settings, "fixture", second)
    assert fetched and a.graph not in fetched and all("/graph/external/" not in g for g in fetched)
    fetched.clear()
    external.unload(settings, "fixture", "remote-a")
    assert a.graph not in fetched and b.graph in fetched  # what stays is checked; what goes is not fetched
    fresh = open_store(settings)
    assert [r.snapshot for r in external.loaded(fresh)] == ["remote-b"]
    labels = fresh.select(
        "SELECT ?l WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "<https://w3id.org/tipkg/id/act/recruitment> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert [r["l"].value for r in labels] == ["the second snapshot"]
    external.unload(settings, "fixture")


def test_the_page_queries_answer_as_before_the_kinds_were_stored(virtuoso_store):
    # The earlier texts worked the most specific kinds out per request (tests/test_kinds.py).
    from tests.test_kinds import AT_QUERY_TIME, STORED, assert_pages_as_before, pairs

    _, remote = virtuoso_store
    assert pairs(remote, STORED) == pairs(remote, AT_QUERY_TIME)
    assert assert_pages_as_before(remote) > 30


def test_resource_pages_read_the_same_on_virtuoso_with_their_queries_run_at_once(virtuoso_store, built):
    # On a remote store a page's independent queries run in threads (store.concurrent_reads);
    # the page a person reads must say what the embedded store's says, query by query in turn.
    import re

    from tipkg.webapp import create_app

    settings, remote = virtuoso_store
    assert remote.concurrent_reads
    there, here = create_app(settings=settings).test_client(), create_app(settings=built).test_client()

    def main_text(client, path: str) -> str:
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 200, path
        page = answer.get_data(as_text=True)
        main = page[page.index("<main") : page.index("</main>")]
        return " ".join(re.sub(r"<[^>]+>", " ", main).split())

    for path in ("/id/purpose/sexual-slavery", "/id/provision/rome-statute-art-7-2-c", "/id/act/recruitment"):
        text = main_text(there, path)
        assert "Overlaps" in text or "overlap" in text.lower(), path
        # The same words: entries that tie in a list's order may come in another order per engine.
        assert sorted(text.split()) == sorted(main_text(here, path).split()), path
    assert there.get("/id/purpose/no-such-purpose").status_code == 404


def test_queries_read_the_builds_graphs_from_one_union_graph_and_the_files_as_named_graphs(
    virtuoso_store, tmp_path, monkeypatch
):
    # Virtuoso's cost per query grows with the default graphs named: a build writes its graphs into
    # build-union too, which stands for them in the default graph; named graphs stay per file.
    from tipkg.loaders import external
    from tipkg.store.sparql import UNION

    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")
    settings, _ = virtuoso_store
    remote = open_store(settings)
    union = remote.graph_prefix + UNION
    assert union not in remote.graphs() and remote.default_graphs() == [union]
    files = remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {row["g"].value for row in files} == set(remote.graphs())  # GRAPH ?g: never the union
    assert union not in {q.graph_name.value for q in remote.quads()}  # nor in an export
    notes = tmp_path / "union-notes.csv"
    notes.write_text("act/recruitment,a note beside the union graph\n")
    result = external.load(settings, "fixture", notes)
    try:
        loaded = open_store(settings)
        assert loaded.default_graphs() == [union, result.graph]  # a load leaves the union as it was
        # The same triples (a triple two files state is one triple of the union, as on Oxigraph).
        count = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        union_count = int(next(iter(loaded.select(count)))["n"].value)
        per_file = int(next(iter(loaded.select(count, default_graphs=loaded.graphs())))["n"].value)
        assert union_count == per_file > 20000
    finally:
        external.unload(settings, "fixture")
    # A store a build wrote before there was a union graph: every graph of the project, as before.
    before = answers(remote, "case-facts", {})
    remote.update(f"DROP SILENT GRAPH <{union}>")
    try:
        older = open_store(settings)
        assert older.default_graphs() == older.graphs()
        assert answers(older, "case-facts", {}) == before
    finally:
        build(settings)
    assert open_store(settings).default_graphs() == [union]
