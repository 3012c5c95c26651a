"""The build pipeline on a minimal ontology (model + shapes + one small valid file): what it
stores, what it infers, and that every kind of bad input stops it and leaves the previous store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import EXAMPLES, minimal_ontology, run_cli, settings_for
from tipkg import queries
from tipkg.errors import BuildError
from tipkg.loaders.build import build
from tipkg.store import open_store

EX = "https://w3id.org/tipkg/id/example/"
TIP = "https://w3id.org/tipkg/ontology#"


def ask(store, text: str) -> bool:
    return bool(store.query(text))


@pytest.fixture
def minimal(tmp_path) -> Path:
    return minimal_ontology(tmp_path / "ontology")


@pytest.fixture
def built_minimal(tmp_path, minimal):
    settings = settings_for(f"oxigraph:{tmp_path}/store", minimal)
    result = build(settings)
    return settings, result


def test_build_loads_every_file_into_its_own_graph(built_minimal):
    settings, result = built_minimal
    store = open_store(settings)
    graphs = {r["g"].value for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    base = settings.base_iri
    assert {
        f"{base}graph/source/model/tipkg",
        f"{base}graph/source/data/minimal",
        f"{base}graph/inferred",
        f"{base}graph/build",
    } <= graphs
    # Shapes are part of the published graph too: they document what the data promises.
    assert f"{base}graph/source/shapes/tipkg-shapes" in graphs
    count = int(next(iter(queries.run(store, "triple-count")))["triples"].value)
    assert count > result.triples  # the build record comes on top of the assembled graphs


def test_reasoner_adds_class_membership_and_inverse_and_transitive_links(built_minimal):
    settings, _ = built_minimal
    store = open_store(settings)
    inferred = f"<{settings.base_iri}graph/inferred>"
    assert ask(
        store,
        f"ASK {{ GRAPH {inferred} {{ <{EX}recruitment> a <{TIP}TraffickingElement> , <http://www.w3.org/2004/02/skos/core#Concept> }} }}",
    )
    assert ask(
        store,
        f"ASK {{ GRAPH {inferred} {{ <{EX}treaty> <http://data.europa.eu/eli/ontology#has_part> <{EX}treaty-art-1> }} }}",
    )
    assert ask(
        store,
        f"ASK {{ GRAPH {inferred} {{ <{EX}treaty-art-1-a> <http://data.europa.eu/eli/ontology#is_part_of> <{EX}treaty> }} }}",
    )
    # Nothing asserted is repeated in the inferred graph.
    assert not ask(store, f"ASK {{ GRAPH {inferred} {{ <{EX}recruitment> a <{TIP}Act> }} }}")


def test_blank_nodes_are_skolemised_with_stable_iris(tmp_path, minimal, built_minimal):
    settings, _ = built_minimal
    store = open_store(settings)
    assert not ask(store, "ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")
    first = {
        r["o"].value
        for r in store.query(f"SELECT ?o WHERE {{ <{EX}overlap> <http://purl.org/dc/terms/source> ?o }}")
    }
    assert all(iri.startswith(settings.base_iri + ".well-known/genid/") for iri in first)
    again = settings_for(f"oxigraph:{tmp_path}/again", minimal)
    build(again)
    second = {
        r["o"].value
        for r in open_store(again).query(
            f"SELECT ?o WHERE {{ <{EX}overlap> <http://purl.org/dc/terms/source> ?o }}"
        )
    }
    assert first == second


def test_build_record_names_files_hashes_and_tools(built_minimal):
    settings, result = built_minimal
    store = open_store(settings)
    record = next(iter(queries.run(store, "build-record")))
    assert record["build"].value.endswith(result.build_id)
    files = {
        r["path"].value: r["sha256"].value
        for r in queries.run(store, "build-files", {"build": record["build"]})
    }
    on_disk = {p.relative_to(settings.ontology_dir).as_posix() for p in settings.ontology_dir.rglob("*.ttl")}
    assert set(files) == on_disk and "data/minimal.ttl" in on_disk
    assert all(len(digest) == 64 for digest in files.values())
    tools = [r["tool"].value for r in queries.run(store, "build-tools", {"build": record["build"]})]
    assert any(t.startswith("pyoxigraph ") for t in tools) and any(t.startswith("owlready2 ") for t in tools)


def test_build_writes_reference_documentation_of_the_model(built_minimal):
    settings, _ = built_minimal
    html = (settings.docs_dir / "ontology.html").read_text()
    assert "TIPKG ontology" in html
    for term in ("element of trafficking", "sanctions regime", "overlap", "pinpoint"):
        assert term in html
    assert '<script src="http' not in html  # nothing fetched from a network


def test_a_second_build_swaps_the_link_and_keeps_two_builds(tmp_path, built_minimal):
    settings, _ = built_minimal
    link = Path(settings.store.removeprefix("oxigraph:"))
    before = os.readlink(link)
    for _ in range(2):
        build(settings)
    assert os.readlink(link) != before
    assert len(list(link.with_name(link.name + ".builds").iterdir())) == 2


def test_a_serving_store_answers_from_memory_and_follows_a_new_build(built_minimal):
    """A server's store copies the build into memory, so the files can change under it; after a new
    build it copies the new one."""
    settings, _ = built_minimal
    serving = open_store(settings, serving=True)
    first = {r["build"].value for r in queries.run(serving, "build-record")}
    assert ask(serving, f"ASK {{ <{EX}recruitment> a <{TIP}Act> }}")
    assert isinstance(serving._current(), ox.Store) and serving.in_memory
    build(settings)
    second = {r["build"].value for r in queries.run(serving, "build-record")}
    assert second and second != first
    assert ask(serving, f"ASK {{ <{EX}recruitment> a <{TIP}Act> }}")
    assert not open_store(settings).in_memory, "one-off commands read the build where it lies"
    assert not open_store(
        settings.__class__(**{**vars(settings), "serve_from_memory": False}), serving=True
    ).in_memory


def test_a_build_larger_than_serve_memory_max_mb_is_served_from_disk(built_minimal, caplog):
    # Each serving process would hold its own copy: past the cap the build is read where it lies,
    # so a server's memory stays bounded whatever is loaded. Read-only on disk, a write is refused.
    settings, _ = built_minimal
    capped = settings.__class__(**{**vars(settings), "serve_memory_max_mb": 0})
    serving = open_store(capped, serving=True)
    with caplog.at_level("INFO", logger="tipkg.store"):
        assert ask(serving, f"ASK {{ <{EX}recruitment> a <{TIP}Act> }}")
    assert "served from disk: over serve_memory_max_mb" in caplog.text
    with pytest.raises(RuntimeError, match="read-write"):
        serving._current().add(
            ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c"))
        )
    roomy = open_store(settings.__class__(**{**vars(settings), "serve_memory_max_mb": 4096}), serving=True)
    roomy._current().add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c")))


def test_memory_store_builds_and_answers(minimal):
    settings = settings_for("memory:", minimal)
    store = open_store(settings)
    build(settings, store=store)
    assert ask(store, f"ASK {{ <{EX}recruitment> a <{TIP}Act> }}")


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("syntax-error.ttl", ["data/syntax-error.ttl:9:", "Turtle syntax error"]),
        (
            "shacl-violation.ttl",
            ["data/shacl-violation.ttl:7", "SHACL", "shapes:Described", "English rdfs:label"],
        ),
        (
            "owl-inconsistent.ttl",
            ["data/owl-inconsistent.ttl:9", "OWL inconsistency", "act-and-means", "Act", "Means"],
        ),
    ],
)
def test_bad_input_stops_the_build_names_file_and_fault_and_keeps_the_previous_store(
    tmp_path, built_minimal, example, expected
):
    settings, _ = built_minimal
    link = Path(settings.store.removeprefix("oxigraph:"))
    before = os.readlink(link)
    builds_before = sorted(p.name for p in link.with_name(link.name + ".builds").iterdir())
    broken_dir = tmp_path / "broken"
    shutil.copytree(settings.ontology_dir, broken_dir)
    shutil.copy(EXAMPLES / "invalid" / example, broken_dir / "data" / example)
    broken = settings_for(settings.store, broken_dir)

    with pytest.raises(BuildError) as caught:
        build(broken)
    for fragment in expected:
        assert fragment in str(caught.value)

    assert os.readlink(link) == before
    assert sorted(p.name for p in link.with_name(link.name + ".builds").iterdir()) == builds_before
    assert ask(open_store(settings), f"ASK {{ <{EX}recruitment> a <{TIP}Act> }}")


def test_cli_build_failure_exits_non_zero_with_the_message(tmp_path, minimal):
    shutil.copy(EXAMPLES / "invalid" / "syntax-error.ttl", minimal / "data")
    done = run_cli(
        "build", env={"TIPKG_STORE": f"oxigraph:{tmp_path}/cli-store", "TIPKG_ONTOLOGY_DIR": str(minimal)}
    )
    assert done.returncode == 1
    assert "tipkg: error:" in done.stderr and "data/syntax-error.ttl:9:" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_ontology_folder_is_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="does not exist"):
        build(settings_for(f"oxigraph:{tmp_path}/s", tmp_path / "nowhere"))


def test_reading_an_unbuilt_store_says_to_build(tmp_path):
    from tipkg.errors import StoreError

    store = open_store(settings_for(f"oxigraph:{tmp_path}/never"))
    with pytest.raises(StoreError, match="tipkg build"):
        store.query("ASK {}")


def test_store_path_that_is_a_plain_directory_is_refused(tmp_path):
    from tipkg.errors import StoreError

    (tmp_path / "plain").mkdir()
    with pytest.raises(StoreError, match="not a TIPKG store link"):
        open_store(settings_for(f"oxigraph:{tmp_path}/plain"))


def test_skolem_iris_do_not_depend_on_parse_order():
    from tipkg.loaders.skolem import skolemize

    g = ox.DefaultGraph()
    p, s = ox.NamedNode("http://p"), ox.NamedNode("http://s")
    one = [ox.Quad(s, p, ox.BlankNode("a"), g), ox.Quad(ox.BlankNode("a"), p, ox.Literal("x"), g)]
    two = [ox.Quad(ox.BlankNode("zz"), p, ox.Literal("x"), g), ox.Quad(s, p, ox.BlankNode("zz"), g)]
    assert set(skolemize(one, "https://b/")) == set(skolemize(two, "https://b/"))


@pytest.mark.parametrize(
    ("example", "check", "culprit"),
    [
        ("regime-without-dates.ttl", "sanctions-dates-violation", "undated-regime"),
        ("criterion-without-paragraph.ttl", "sanctions-pinpoint-violation", "unpinned-criterion"),
    ],
)
def test_a_sanctions_fact_without_its_date_or_paragraph_fails_the_build(tmp_path, example, check, culprit):
    """The build checks refuse a regime that does not say since when it is in force and a criterion
    cited to less than a paragraph; the message names the check and the resource."""
    ontology = minimal_ontology(tmp_path / "ontology", EXAMPLES / "invalid" / example)
    with pytest.raises(BuildError) as caught:
        build(settings_for("memory:", ontology))
    message = str(caught.value)
    assert check in message and culprit in message
    assert f"data/{example}:" in message  # the file and line of the culprit
    other = {"sanctions-dates-violation", "sanctions-pinpoint-violation"} - {check}
    assert not any(name in message for name in other), message
