"""The one mechanism every external source loads through (loaders/external.py), driven by a
fixture loader on the minimal ontology: a named graph per snapshot with its provenance, all or
nothing, checks run, kept across builds, reloaded from the settings, listed and unloaded; on the
embedded store, from the command line, and on a real Virtuoso when it is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import external_fixture
from tests.conftest import minimal_ontology, run_cli, settings_for
from tipkg.config import SourceSpec, load_settings
from tipkg.errors import BuildError, ConfigError
from tipkg.loaders import external
from tipkg.loaders.build import build
from tipkg.store import open_store

DATA = Path(__file__).parent / "data" / "external"
NOTE_LABELS = """
SELECT ?label WHERE { ?note <http://www.w3.org/2000/01/rdf-schema#label> ?label
  FILTER(STRSTARTS(STR(?note), "https://w3id.org/tipkg/id/fixture-note/")) } ORDER BY ?label
"""


@pytest.fixture(autouse=True)
def fixture_loader(monkeypatch):
    monkeypatch.setitem(external.LOADERS, "fixture", "tests.external_fixture")


@pytest.fixture
def settings(tmp_path):
    settings = settings_for(f"oxigraph:{tmp_path}/store", minimal_ontology(tmp_path / "ontology"))
    build(settings)
    return settings


def labels(store) -> list[str]:
    return [row["label"].value for row in store.select(NOTE_LABELS)]


def test_a_load_is_its_own_graph_with_provenance(settings):
    result = external.load(settings, "fixture", DATA / "notes-a.csv")
    store = open_store(settings)
    assert result.graph == "https://w3id.org/tipkg/graph/external/fixture/notes-a"
    assert labels(store) == ["a note on nothing", "a note on recruitment"]
    [row] = external.loaded(store)
    assert (row.source, row.snapshot, row.as_of, row.files) == (
        "fixture",
        "notes-a",
        "2024-01-01",
        "notes-a.csv",
    )
    assert (row.read, row.records, row.skipped) == (3, 2, 1)
    unmatched = [
        r["u"].value
        for r in store.select("SELECT ?u WHERE { ?s <https://w3id.org/tipkg/ontology#unmatched> ?u }")
    ]
    assert unmatched == ["notes-a.csv:3: the graph has no example/no-such-thing"]
    digest = store.select(
        "SELECT ?d WHERE { ?f <https://w3id.org/tipkg/ontology#sha256> ?d ; <https://w3id.org/tipkg/ontology#path> 'notes-a.csv' }"
    )
    assert [r["d"].value for r in digest] == [external.sha256(DATA / "notes-a.csv")]


def test_a_bad_file_loads_nothing_and_names_its_line(settings):
    external.load(settings, "fixture", DATA / "notes-a.csv")
    with pytest.raises(external.LoadError, match=r"broken.csv:2: expected IRI,label"):
        external.load(settings, "fixture", DATA / "broken.csv")
    assert labels(open_store(settings)) == ["a note on nothing", "a note on recruitment"]


def test_reloading_a_snapshot_replaces_it_and_snapshots_sit_side_by_side(settings, tmp_path):
    external.load(settings, "fixture", DATA / "notes-a.csv")
    external.load(settings, "fixture", DATA / "notes-b.csv")
    changed = tmp_path / "notes-a.csv"
    changed.write_text("example/recruitment,replaced\n")
    external.load(settings, "fixture", changed)
    store = open_store(settings)
    assert labels(store) == ["replaced", "the second version"]
    assert [r.snapshot for r in external.loaded(store)] == ["notes-a", "notes-b"]


def test_a_failing_build_check_refuses_the_load(settings, tmp_path):
    external.load(settings, "fixture", DATA / "notes-a.csv")
    bad = tmp_path / "dangling.csv"
    bad.write_text("!example/typo,links to what the graph lacks\n")
    with pytest.raises(BuildError, match=r"dangling-reference-violation: .*id/example/typo"):
        external.load(settings, "fixture", bad)
    assert [r.snapshot for r in external.loaded(open_store(settings))] == ["notes-a"]


def snapshot_graph(settings, graph: str) -> list[str]:
    """A loaded graph's quads as text, but the time it was loaded."""
    return sorted(
        str(q)
        for q in open_store(settings).quads()
        if q.graph_name.value == graph and "generatedAtTime" not in str(q)
    )


def test_triples_given_as_lines_of_text_load_and_are_checked_as_the_same_triples(
    settings, tmp_path, monkeypatch
):
    # A large file's records come as chunks of N-Triples text (store.Lines), which Oxigraph parses
    # itself: the same graph, the same provenance and count, the same reference check.
    first = external.load(settings, "fixture", DATA / "notes-a.csv")
    as_triples = snapshot_graph(settings, first.graph)
    monkeypatch.setattr(external_fixture, "AS_LINES", True)
    again = external.load(settings, "fixture", DATA / "notes-a.csv")
    assert again.triples == first.triples == len(as_triples) + 1
    assert snapshot_graph(settings, first.graph) == as_triples
    bad = tmp_path / "dangling.csv"
    bad.write_text("!example/typo,links to what the graph lacks\n")
    with pytest.raises(BuildError, match=r"dangling-reference-violation: .*id/example/typo"):
        external.load(settings, "fixture", bad)
    assert [r.snapshot for r in external.loaded(open_store(settings))] == ["notes-a"]


def test_a_load_checks_the_curated_graphs_and_its_own_not_every_other_snapshot(settings, tmp_path):
    # A dangling reference planted in another snapshot's graph (as no load would write it): a load
    # of a second snapshot checks only the build's graphs and its own, so it passes; an unload, which
    # can leave references dangling anywhere, checks everything and refuses.
    import pyoxigraph as ox

    store = open_store(settings)
    planted = external.graph_of("https://w3id.org/tipkg/", "fixture", "planted")
    staging = store.stage(keep=True)
    typo = ox.NamedNode("https://w3id.org/tipkg/id/example/planted-typo")
    staging.replace_graph(planted, [ox.Quad(typo, ox.NamedNode("urn:x:p"), typo)])
    staging.commit(lambda _: None)
    external.load(settings, "fixture", DATA / "notes-a.csv")
    assert labels(open_store(settings)) == ["a note on nothing", "a note on recruitment"]
    with pytest.raises(BuildError, match=r"dangling-reference-violation: .*id/example/planted-typo"):
        external.unload(settings, "fixture", "notes-a")


def test_a_build_keeps_loaded_snapshots_and_reloads_configured_ones(settings, tmp_path):
    external.load(settings, "fixture", DATA / "notes-a.csv")
    configured = tmp_path / "notes-b.csv"
    configured.write_text("example/recruitment,from the settings\n")
    from dataclasses import replace

    build(replace(settings, sources=(SourceSpec("fixture", configured),)))
    store = open_store(settings)
    assert labels(store) == ["a note on nothing", "a note on recruitment", "from the settings"]


def test_unload_removes_one_snapshot_or_all(settings):
    external.load(settings, "fixture", DATA / "notes-a.csv")
    external.load(settings, "fixture", DATA / "notes-b.csv")
    assert external.unload(settings, "fixture", "notes-a") == [
        "https://w3id.org/tipkg/graph/external/fixture/notes-a"
    ]
    assert labels(open_store(settings)) == ["the second version"]
    with pytest.raises(external.LoadError, match="no snapshot 'notes-a' of 'fixture'"):
        external.unload(settings, "fixture", "notes-a")
    external.unload(settings, "fixture")
    assert external.loaded(open_store(settings)) == []


def test_unknown_source_and_missing_path_are_named(settings):
    with pytest.raises(external.LoadError, match=r"unknown source 'nope'; known: .*fixture"):
        external.load(settings, "nope", DATA / "notes-a.csv")
    with pytest.raises(external.LoadError, match=r"no-such\.csv: no such file"):
        external.load(settings, "fixture", DATA / "no-such.csv")


def test_sources_from_toml_and_environment(tmp_path):
    config = tmp_path / "tipkg.toml"
    config.write_text('[tipkg]\nsources = [{source = "un-sanctions", path = "a.xml", as_of = 2024-09-26}]\n')
    [spec] = load_settings(environ={"TIPKG_CONFIG": str(config)}).sources
    assert (spec.source, spec.path, str(spec.as_of)) == ("un-sanctions", Path("a.xml"), "2024-09-26")
    [spec] = load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SOURCES": "ctdc=x.csv"}).sources
    assert (spec.source, spec.path, spec.as_of) == ("ctdc", Path("x.csv"), None)
    config.write_text('[tipkg]\nsources = [{source = "ctdc"}]\n')
    with pytest.raises(ConfigError, match="source 1 needs exactly source, path"):
        load_settings(environ={"TIPKG_CONFIG": str(config)})


def test_command_line_load_sources_unload(settings):
    env = {"TIPKG_STORE": settings.store, "TIPKG_ONTOLOGY_DIR": str(settings.ontology_dir)}
    bad = run_cli("load", "fixture", str(DATA / "broken.csv"), env=env)
    # the fixture loader is registered only inside this process: the CLI knows the real kinds
    assert bad.returncode == 1 and "unknown source 'fixture'" in bad.stderr and "Traceback" not in bad.stderr
    listed = run_cli("sources", env=env)
    assert listed.returncode == 0 and "no external data loaded" in listed.stdout
    kinds = run_cli("sources", "--kinds", env=env)
    assert kinds.returncode == 0, kinds.stderr
    date = run_cli("load", "fixture", str(DATA), "--as-of", "2024-13-01", env=env)
    assert date.returncode == 2 and "not a date" in date.stderr


def test_a_build_with_a_broken_source_commits_nothing(settings):
    from dataclasses import replace

    external.load(settings, "fixture", DATA / "notes-a.csv")
    before = [
        r["build"].value
        for r in open_store(settings).select(
            "SELECT ?build WHERE { ?build a <https://w3id.org/tipkg/ontology#Build> }"
        )
    ]
    with pytest.raises(external.LoadError, match=r"broken\.csv:2"):
        build(replace(settings, sources=(SourceSpec("fixture", DATA / "broken.csv"),)))
    store = open_store(settings)
    after = [
        r["build"].value
        for r in store.select("SELECT ?build WHERE { ?build a <https://w3id.org/tipkg/ontology#Build> }")
    ]
    assert after == before
    assert labels(store) == ["a note on nothing", "a note on recruitment"]


def test_an_unload_of_most_of_the_store_copies_what_stays_and_keeps_it_whole(settings, monkeypatch):
    # Past FRESH_MARGIN an unload fills a new store with what stays instead of deleting from a copy
    # (ten million quads took over ten minutes to delete); here the margin is set so that it always does.
    external.load(settings, "fixture", DATA / "notes-a.csv")
    external.load(settings, "fixture", DATA / "notes-b.csv")
    before = sorted(str(q) for q in open_store(settings).quads() if "/external/fixture/notes-a" not in str(q))
    monkeypatch.setattr(external, "FRESH_MARGIN", -(10**9))  # whatever the two sizes
    external.unload(settings, "fixture", "notes-a")
    after = open_store(settings)
    assert sorted(str(q) for q in after.quads()) == before
    assert [r.snapshot for r in external.loaded(after)] == ["notes-b"]
